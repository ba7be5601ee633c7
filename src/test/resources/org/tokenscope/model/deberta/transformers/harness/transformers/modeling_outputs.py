class _Out(dict):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.__dict__.update(kw)
    def __getitem__(self, k):
        if isinstance(k, int):
            return [v for v in self.values() if v is not None][k]
        return dict.__getitem__(self, k)
BaseModelOutput = MaskedLMOutput = MultipleChoiceModelOutput = QuestionAnsweringModelOutput = SequenceClassifierOutput = TokenClassifierOutput = _Out
