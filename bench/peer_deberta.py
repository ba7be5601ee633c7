"""The pair classifier's peer and checkpoint: a random-weight DebertaV2ForSequenceClassification with
deberta-v3-base's shape, written by torch.save to FOLDER/pytorch_model.bin (with config.json) if it is not
there, then timed in transformers' own code (eager, 2 threads): load_state_dict from the .bin, and one
forward pass of 64 and of 512 token ids, the median of 5 after a warm-up.

Needs PyTorch and transformers' modeling_deberta_v2.py placed as described in
src/test/resources/org/tokenscope/model/deberta/transformers/make_fixtures.py. Copy a tokenizer.json
into FOLDER (the tests' UnigramTokenizerJson, e.g. that folder's v3/tokenizer.json) for ClassifierBench.

python3 bench/peer_deberta.py FOLDER
"""
import json, os, sys, time, statistics
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src/test/resources/org/tokenscope/model/deberta/transformers/harness"))
import torch
from transformers.models.deberta_v2.configuration_deberta_v2 import DebertaV2Config
from transformers.models.deberta_v2.modeling_deberta_v2 import DebertaV2ForSequenceClassification
torch.set_num_threads(2)
folder = sys.argv[1]
kw = dict(vocab_size=128100, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
          max_position_embeddings=512, type_vocab_size=0, position_biased_input=False, relative_attention=True,
          max_relative_positions=-1, position_buckets=256, share_att_key=True, pos_att_type="p2c|c2p",
          norm_rel_ebd="layer_norm", layer_norm_eps=1e-7, id2label={"0": "LABEL_0"})
torch.manual_seed(0)
model = DebertaV2ForSequenceClassification(DebertaV2Config(**kw)).eval()
if not os.path.exists(f"{folder}/pytorch_model.bin"):
    os.makedirs(folder, exist_ok=True)
    torch.save(model.state_dict(), f"{folder}/pytorch_model.bin")
    c = dict(kw); c.update(architectures=["DebertaV2ForSequenceClassification"], model_type="deberta-v2", hidden_act="gelu", pooler_hidden_act="gelu")
    json.dump(c, open(f"{folder}/config.json", "w"), indent=1)
t0 = time.perf_counter()
model.load_state_dict(torch.load(f"{folder}/pytorch_model.bin"))
load = time.perf_counter() - t0
res = {"load_ms": load * 1000}
for T in (64, 512):
    ids = torch.tensor([[1] + [5 + (i * 7) % 80 for i in range(T - 3)] + [2, 2]])
    times = []
    with torch.no_grad():
        for r in range(6):
            t0 = time.perf_counter()
            seq = model.deberta(ids, attention_mask=torch.ones_like(ids))[0]["last_hidden_state"]
            logit = model.classifier(model.pooler(seq))
            times.append(time.perf_counter() - t0)
    res[f"classify_{T}_ms"] = statistics.median(times[1:]) * 1000
    res[f"logit_{T}"] = logit.item()
print(json.dumps(res))
