class DebertaV2Config:
    # DebertaV2Config's defaults, and PretrainedConfig's that the model reads
    def __init__(self, **kw):
        d = dict(vocab_size=128100, hidden_size=1536, num_hidden_layers=24, num_attention_heads=24,
                 intermediate_size=6144, hidden_act="gelu", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
                 max_position_embeddings=512, type_vocab_size=0, initializer_range=0.02, layer_norm_eps=1e-7,
                 relative_attention=False, max_relative_positions=-1, pad_token_id=0, position_biased_input=True,
                 pos_att_type=None, pooler_dropout=0, pooler_hidden_act="gelu", output_attentions=False,
                 output_hidden_states=False, use_return_dict=True, problem_type=None, add_adapter=False, adapter_list=[])
        d.update(kw)
        if isinstance(d["pos_att_type"], str):
            d["pos_att_type"] = [x.strip() for x in d["pos_att_type"].lower().split("|")]
        d.setdefault("pooler_hidden_size", d["hidden_size"])
        d["num_labels"] = len(d.get("id2label", {0: "LABEL_0", 1: "LABEL_1"}))
        self.__dict__.update(d)
