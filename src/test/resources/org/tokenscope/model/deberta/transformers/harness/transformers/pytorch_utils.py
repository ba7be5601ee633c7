from torch import _softmax_backward_data
def softmax_backward_data(parent, grad_output, output, dim, self):
    return _softmax_backward_data(grad_output, output, parent.dim, self.dtype)
