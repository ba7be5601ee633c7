import logging as _l
def _ident(*a, **k):
    def d(f):
        return f
    return d
add_code_sample_docstrings = add_start_docstrings = add_start_docstrings_to_model_forward = _ident
class logging:
    @staticmethod
    def get_logger(name):
        return _l.getLogger(name)
