"""Writes the fixtures DebertaTransformersFixtureTest reads: two random-weight DebertaV2ForSequenceClassification
checkpoints made and run by transformers' own modeling code, saved by torch.save (PyTorch's zip .bin), and the
logits transformers gives (float32 and float64) for the token ids in expected.json.

  v3/   deberta-v3's choices: position_buckets 8, share_att_key, pos_att_type "p2c|c2p", norm_rel_ebd layer_norm,
        no absolute positions, no token types; one output
  v2/   older choices: absolute positions, 2 token types, separate pos_key/pos_query projections, a list; 3 labels

The ids come from tokenscope's PairTokenizer on the tokenizer.json the tests build (UnigramTokenizerJson).
Needs PyTorch (Debian's python3-torch 1.13 was used) and a copy of transformers' 4.2x-era
src/transformers/models/deberta_v2/modeling_deberta_v2.py placed in harness/transformers/models/deberta_v2/
(not committed: third-party code); harness/ stubs the few transformers modules it imports. The copy used was
the one vendored in github.com/ZhaozwTD/KPE (adds adapter plumbing that is off here; `np.int` -> `np.int64`
and `adapter_parameter or {'add_adapter': False}` patched for numpy 1.24 and a None default); its
DebertaV2Model returns (output, adapter_output), so the classifier head (pooler, classifier) is applied here
exactly as DebertaV2ForSequenceClassification.forward does.
"""
import json, os, shutil, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
import torch
from transformers.models.deberta_v2.configuration_deberta_v2 import DebertaV2Config
from transformers.models.deberta_v2.modeling_deberta_v2 import DebertaV2ForSequenceClassification

root = os.path.dirname(os.path.abspath(__file__))
expected = json.load(open(f"{root}/expected.json"))
ids = expected
V = 95
configs = {
  "v3": dict(vocab_size=V, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=48,
             max_position_embeddings=64, type_vocab_size=0, position_biased_input=False, relative_attention=True,
             max_relative_positions=32, position_buckets=8, share_att_key=True, pos_att_type="p2c|c2p",
             norm_rel_ebd="layer_norm", layer_norm_eps=1e-7, id2label={"0": "LABEL_0"}),
  "v2": dict(vocab_size=V, hidden_size=24, num_hidden_layers=2, num_attention_heads=3, intermediate_size=40,
             max_position_embeddings=48, type_vocab_size=2, position_biased_input=True, relative_attention=True,
             max_relative_positions=24, position_buckets=-1, share_att_key=False, pos_att_type=["c2p", "p2c"],
             norm_rel_ebd="none", layer_norm_eps=1e-7, id2label={"0": "contradiction", "1": "entailment", "2": "neutral"}),
}
torch.manual_seed(0)
out = {}
for name, kw in configs.items():
    cfg = DebertaV2Config(**kw)
    model = DebertaV2ForSequenceClassification(cfg).eval()
    with torch.no_grad():
        for pname, p in model.named_parameters():
            p.normal_(0, 0.5) if not pname.endswith("LayerNorm.weight") else p.normal_(1, 0.1)
    folder = f"{root}/{name}"
    os.makedirs(folder, exist_ok=True)
    torch.save(model.state_dict(), f"{folder}/pytorch_model.bin")
    c = dict(kw); c["architectures"] = ["DebertaV2ForSequenceClassification"]; c["model_type"] = "deberta-v2"
    c["hidden_act"] = "gelu"; c["pooler_hidden_act"] = "gelu"
    json.dump(c, open(f"{folder}/config.json", "w"), indent=1)
    if not os.path.exists(f"{folder}/tokenizer.json"):  # the tests' UnigramTokenizerJson, as in v3/ and v2/
        shutil.copy(f"{root}/v3/tokenizer.json", f"{folder}/tokenizer.json")
    res = []
    for e in ids:
        x = torch.tensor([e["ids"]]); t = torch.tensor([e["types"]])
        with torch.no_grad():
            def logits(m):
                # DebertaV2ForSequenceClassification.forward, whose call of self.deberta this fork broke: pooler, classifier
                seq = m.deberta(x, token_type_ids=t, attention_mask=torch.ones_like(x))[0]["last_hidden_state"]
                return m.classifier(m.dropout(m.pooler(seq)))[0]
            l32 = logits(model)
            l64 = logits(model.double())
            model.float()
        res.append({"f32": l32.tolist(), "f64": l64.tolist()})
    out[name] = res
    print(name, [r["f64"] for r in res])
for i, e in enumerate(expected):
    for name in out:
        e[name] = out[name][i]
json.dump(expected, open(f"{root}/expected.json", "w"), indent=1)
