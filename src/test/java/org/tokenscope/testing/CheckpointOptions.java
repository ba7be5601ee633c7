package org.tokenscope.testing;

/**
 * How {@link CheckpointWriter} lays out a checkpoint.
 *
 * @param dtype element type of every tensor
 * @param prefixed keys "transformer." + name, as transformers saves GPT2LMHeadModel
 * @param withLmHead also write "lm_head.weight" = wte (transformers omits it when tied)
 * @param withMaskBuffers also write "h.{i}.attn.bias" [1, 1, positions, positions] lower-triangular
 *     ones and "h.{i}.attn.masked_bias" [] = -1e4, as old checkpoints have
 * @param shards 1: model.safetensors; n > 1: model-0000k-of-0000n.safetensors plus
 *     model.safetensors.index.json
 * @param withTokenizer write tokenizer.json (only when the vocab is GPT-2's 50257)
 */
public record CheckpointOptions(DType dtype, boolean prefixed, boolean withLmHead, boolean withMaskBuffers,
                                int shards, boolean withTokenizer) {

    /** F32, bare names, no lm_head, no mask buffers, one file, tokenizer when the vocab fits. */
    public static final CheckpointOptions DEFAULT = builder().build();

    public CheckpointOptions {
        if (dtype == null || shards < 1) {
            throw new IllegalArgumentException("need a dtype and at least one shard");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private DType dtype = DType.F32;
        private boolean prefixed;
        private boolean withLmHead;
        private boolean withMaskBuffers;
        private int shards = 1;
        private boolean withTokenizer = true;

        private Builder() {}

        public Builder optDtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        public Builder optPrefixed(boolean prefixed) {
            this.prefixed = prefixed;
            return this;
        }

        public Builder optLmHead(boolean withLmHead) {
            this.withLmHead = withLmHead;
            return this;
        }

        public Builder optMaskBuffers(boolean withMaskBuffers) {
            this.withMaskBuffers = withMaskBuffers;
            return this;
        }

        public Builder optShards(int shards) {
            this.shards = shards;
            return this;
        }

        public Builder optTokenizer(boolean withTokenizer) {
            this.withTokenizer = withTokenizer;
            return this;
        }

        public CheckpointOptions build() {
            return new CheckpointOptions(dtype, prefixed, withLmHead, withMaskBuffers, shards, withTokenizer);
        }
    }
}
