from torch import nn
class PreTrainedModel(nn.Module):
    def __init__(self, config, *a, **k):
        super().__init__()
        self.config = config
    def post_init(self):
        pass
