#!/usr/bin/env node
// llama.cpp on the same checkpoint as `tokenscope bench`, through the npm package node-llama-cpp
// (its prebuilt CPU binaries), printing the same JSON shape. The GGUF comes from our safetensors
// with bench/gguf_convert.py (Q8_0 or F32).
//
//   npm install --prefix bench node-llama-cpp@3.22.1        (once; bench/node_modules is ignored)
//   node bench/peer_llamacpp.mjs --model /tmp/gguf/gpt2-q8_0.gguf --tokens 1024 --new-tokens 32 --repeat 3
//   node bench/peer_llamacpp.mjs --model M.gguf --logprobs FILE     (per-token log-probabilities of a text, JSON)
//
// - load_s: loading the model and making a context of --tokens positions.
// - score: N pseudo-random ids evaluated in one batch, asking at every position for the logit of the
//   next id, the largest logit and Σ exp(logit − max) — llama.cpp computes the logits of every position,
//   and the log-probability of each next token comes from those three numbers.
// - generate: greedy decoding (temperature 0) of K tokens after a 16-token prompt, tokens/s and the time
//   to the first token, the cache cleared between runs.
// Threads: --threads (default 2, this project's machines).
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import fs from "node:fs";

const started = performance.now();
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => {
    if (a.startsWith("--")) pairs.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : true]);
    return pairs;
}, []));
const tokens = Number(args.tokens ?? 1024);
const newTokens = Number(args["new-tokens"] ?? 32);
const repeat = Number(args.repeat ?? 3);
const threads = Number(args.threads ?? 2);
const log = (m) => process.stderr.write("llama.cpp: " + m + "\n");

function randomIds(seed, n, vocab) { // a fixed-seed LCG: the same ids on every run
    let s = BigInt(seed) * 6364136223846793005n + 1442695040888963407n;
    const ids = [];
    for (let i = 0; i < n; i++) {
        s = (s * 6364136223846793005n + 1442695040888963407n) & 0xFFFFFFFFFFFFFFFFn;
        ids.push(Number((s >> 33n) % BigInt(vocab)));
    }
    return ids;
}
const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; }; // every thread of the process
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const round = (x) => Math.round(x * 1e4) / 1e4;

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: args.model, gpuLayers: 0});
const context = await model.createContext({contextSize: Math.max(tokens, 64), batchSize: Math.max(tokens, 64), threads});
const sequence = context.getSequence();
const loadS = (performance.now() - started) / 1e3;
const vocab = model.tokens.count ?? 50257;

/** log p(ids[t+1] | ids[..t]) at every position, from one batched evaluation. */
async function logprobs(ids) {
    const items = ids.map((id, t) => t + 1 < ids.length
        ? [id, {generateNext: {logits: {filter: {tokens: [ids[t + 1]], includeMax: true}}, totalLogitWeight: true}}]
        : id);
    const out = await sequence.controlledEvaluate(items);
    const lp = [];
    for (let t = 0; t + 1 < ids.length; t++) {
        const next = out[t].next;
        const max = Math.max(...next.logits.values());
        lp.push(next.logits.get(ids[t + 1]) - max - Math.log(next.totalLogitWeight));
    }
    return lp;
}

if (args.logprobs) {
    const text = fs.readFileSync(args.logprobs, "utf8");
    const ids = model.tokenize(text, false);
    const lp = await logprobs([model.tokens.eos ?? 50256, ...ids].slice(0, context.contextSize));
    console.log(JSON.stringify({model: args.model, ids, logprobs: lp}));
    process.exit(0);
}

const root = {model: args.model, load_s: round(loadS), threads};
{
    const ids = randomIds(8, tokens, vocab);
    const times = [], cpu = [];
    for (let run = -1; run < repeat; run++) {
        await sequence.clearHistory();
        const cpuStart = cpuSeconds();
        const start = performance.now();
        await logprobs(ids);
        const s = (performance.now() - start) / 1e3;
        log(`scoring ${tokens} tokens, ${run < 0 ? "warm-up" : "run " + (run + 1)}: ${s.toFixed(3)} s`);
        if (run >= 0) { times.push(s); cpu.push(cpuSeconds() - cpuStart); }
    }
    root.score = {tokens, median_s: round(median(times)), min_s: round(Math.min(...times)), tokens_per_s: round(tokens / median(times)),
        cpu_s: round(median(cpu)), all_logits: true};
}
if (newTokens > 0) {
    const prompt = randomIds(9, 16, vocab);
    const times = [], firsts = [], cpu = [];
    for (let run = -1; run < repeat; run++) {
        await sequence.clearHistory();
        const cpuStart = cpuSeconds();
        const start = performance.now();
        let first = 0, made = 0;
        for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
            if (made === 0) first = performance.now() - start;
            if (++made >= newTokens) break;
        }
        const s = (performance.now() - start) / 1e3;
        log(`generating ${made} tokens, ${run < 0 ? "warm-up" : "run " + (run + 1)}: ${s.toFixed(3)} s, first ${first.toFixed(1)} ms`);
        if (run >= 0) { times.push(s); firsts.push(first); cpu.push(cpuSeconds() - cpuStart); }
    }
    root.generate = {new_tokens: newTokens, prompt_tokens: 16, median_s: round(median(times)), tokens_per_s: round(newTokens / median(times)),
        first_token_ms: round(median(firsts)), first_token_ms_min: round(Math.min(...firsts)), first_token_ms_max: round(Math.max(...firsts)), cpu_s: round(median(cpu)), decode_tokens_per_s: round((newTokens - 1) / (median(times) - median(firsts) / 1e3))};
}
root.peak_rss_bytes = (() => { try { return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1]) * 1024; } catch { return -1; } })();
console.log(JSON.stringify(root, null, 2));
process.exit(0);
