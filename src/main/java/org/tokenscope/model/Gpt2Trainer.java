package org.tokenscope.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Trains a GPT-2 from scratch with DJL's autograd over {@link LanguageModel}'s own forward pass: next-token
 * cross-entropy (log-softmax, then the target's entry), gradients from a {@link GradientCollector},
 * clipping by global norm, and AdamW steps done by hand on the weight arrays. The learning rate of
 * each step is the caller's (see {@link LearningRateSchedule}).
 *
 * <p>Not thread-safe: one thread owns a trainer. Sequences go in as {@code int[]} token ids and
 * losses come out as numbers; no {@link NDArray} escapes.
 */
public final class Gpt2Trainer implements AutoCloseable {

    private static final String ENGINE = "PyTorch";

    private final LanguageModel model;
    private final Gpt2Config gpt2Config;
    private final Weights weights;
    private final Path tokenizerFile;
    private final NDManager manager;
    private final List<Parameter> parameters;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final double clipNorm;
    private int steps;

    /** One trainable array with AdamW's moving averages of its gradient and squared gradient. */
    private record Parameter(String name, NDArray value, NDArray mean, NDArray variance, boolean decays) {
    }

    private Gpt2Trainer(Builder b) throws ModelFormatException {
        Tokenizer tokenizer = Tokenizer.loadFile(b.tokenizerFile);
        if (tokenizer.vocabSize() > b.config.vocab()) {
            tokenizer.close();
            throw new ModelFormatException(b.tokenizerFile + " has " + tokenizer.vocabSize()
                    + " tokens, more than the model's vocabulary of " + b.config.vocab() + ".");
        }
        this.manager = NDManager.newBaseManager(Device.cpu(), ENGINE);
        this.weights = Weights.initialised(ModelConfig.gpt2(b.config), manager, b.seed);
        this.gpt2Config = b.config;
        this.model = LanguageModel.training(b.name, ModelConfig.gpt2(b.config), tokenizer, manager, weights);
        this.tokenizerFile = b.tokenizerFile;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
        this.clipNorm = b.clipNorm;
        List<Parameter> list = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : weights.named.entrySet()) {
            NDArray value = e.getValue();
            // decoupled weight decay on matrices and embeddings only, not on biases and LayerNorm
            boolean decays = value.getShape().dimension() == 2;
            list.add(new Parameter(e.getKey(), value, manager.zeros(value.getShape()), manager.zeros(value.getShape()),
                    decays));
        }
        this.parameters = List.copyOf(list);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The model being trained; its weights change with every {@link #step}. Owned by the trainer. */
    public LanguageModel model() {
        return model;
    }

    public Gpt2Config config() {
        return gpt2Config;
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /**
     * One optimisation step on a batch: each sequence's tokens {@code [0, n-1)} predict its tokens
     * {@code [1, n)}. Returns the batch's mean cross-entropy (nats per token) before the update.
     * Sequences are run one at a time (the forward pass takes one sequence) and their gradients,
     * each weighted by its share of the batch's targets, add up in the weights.
     */
    public float step(List<int[]> batch, double learningRate) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("An empty batch.");
        }
        long targets = 0;
        for (int[] sequence : batch) {
            checkSequence(sequence);
            targets += sequence.length - 1;
        }
        double loss = 0;
        try (GradientCollector collector = Engine.getEngine(ENGINE).newGradientCollector()) {
            for (int[] sequence : batch) {
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray sum = targetLogProbabilities(scratch, sequence).sum().neg(); // []
                    loss += sum.getFloat();
                    // the weight as an array of scratch, not div(Number): see LanguageModel.scaled
                    collector.backward(sum.mul(scratch.create(1f / targets)));
                }
            }
        }
        update(learningRate);
        return (float) (loss / targets);
    }

    /** Mean cross-entropy (nats per token) over the sequences, without gradients or updates. */
    public double evaluate(List<int[]> sequences) {
        double sum = 0;
        long count = 0;
        for (int[] sequence : sequences) {
            checkSequence(sequence);
            try (NDManager scratch = manager.newSubManager()) {
                sum -= targetLogProbabilities(scratch, sequence).sum().getFloat();
                count += sequence.length - 1;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** log p(ids[t+1] | ids[..t]) for every t: [n-1]. */
    private NDArray targetLogProbabilities(NDManager scratch, int[] sequence) {
        int n = sequence.length - 1;
        NDArray logProbs = model.trainingLogits(scratch, Arrays.copyOf(sequence, n)).logSoftmax(1); // [n, V]
        long[] next = new long[n];
        for (int t = 0; t < n; t++) {
            next[t] = sequence[t + 1];
        }
        return logProbs.gather(scratch.create(next, new Shape(n, 1)), 1).reshape(n); // [n]
    }

    /** Clips the gradients to {@code clipNorm} by their global norm, takes an AdamW step, zeroes them. */
    private void update(double learningRate) {
        steps++;
        try (NDScope scope = new NDScope()) {
            NDArray[] gradients = new NDArray[parameters.size()];
            double squares = 0;
            List<String> broken = new ArrayList<>();
            for (int i = 0; i < gradients.length; i++) {
                gradients[i] = parameters.get(i).value().getGradient();
                double square = gradients[i].square().sum().getFloat();
                if (!Double.isFinite(square)) {
                    broken.add(parameters.get(i).name());
                }
                squares += square;
            }
            if (!broken.isEmpty()) {
                steps--;
                throw new IllegalStateException("The gradient of step " + (steps + 1) + " is not finite (in "
                        + String.join(", ", broken) + "); the weights were not updated.");
            }
            double norm = Math.sqrt(squares);
            double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0;
            double correction1 = 1 - Math.pow(beta1, steps);
            double correction2 = 1 - Math.pow(beta2, steps);
            for (int i = 0; i < gradients.length; i++) {
                Parameter p = parameters.get(i);
                NDArray g = gradients[i].mul(scale);
                p.mean().muli(beta1).addi(g.mul(1 - beta1));                    // m = β1·m + (1-β1)·g
                p.variance().muli(beta2).addi(g.square().muli(1 - beta2));      // v = β2·v + (1-β2)·g²
                NDArray denominator = p.variance().div(correction2).sqrt().addi(epsilon);
                NDArray change = p.mean().div(correction1).divi(denominator).muli(learningRate);
                if (p.decays() && weightDecay > 0) {
                    p.value().muli(1 - learningRate * weightDecay);              // decoupled decay
                }
                p.value().subi(change);
                gradients[i].muli(0);                                            // the next step starts at 0
            }
        }
    }

    /** The logits of every position under the current weights: [ids.length][vocab]. */
    public float[][] logits(int[] ids) {
        return model.logits(ids);
    }

    /** A copy of every weight by its bare name, for tests that watch what a step changes. */
    Map<String, float[]> snapshot() {
        Map<String, float[]> copy = new java.util.LinkedHashMap<>();
        weights.named.forEach((name, array) -> copy.put(name, array.toFloatArray()));
        return copy;
    }

    /** Parameters as Hugging Face counts them (the tied head once). */
    public long parameterCount() {
        return weights.parameterCount;
    }

    /**
     * Writes the model as a Hugging Face folder that {@link LanguageModel#load} opens: {@code config.json},
     * {@code tokenizer.json} (a copy of the trainer's) and {@code model.safetensors} in F16 with bare
     * tensor names and the head tied to {@code wte}.
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Gpt2Checkpoint.writeConfig(config(), dir.resolve("config.json"));
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.exists(tokenizer) || !Files.isSameFile(tokenizerFile, tokenizer)) {
            Files.copy(tokenizerFile, tokenizer, StandardCopyOption.REPLACE_EXISTING);
        }
        Gpt2Checkpoint.writeF16(weights.named, dir.resolve("model.safetensors"));
    }

    private void checkSequence(int[] sequence) {
        if (sequence.length < 2) {
            throw new IllegalArgumentException("A training sequence needs at least 2 tokens, one to predict.");
        }
        if (sequence.length - 1 > config().context()) {
            throw new IllegalArgumentException("A sequence of " + sequence.length + " tokens predicts "
                    + (sequence.length - 1) + " positions, past the context of " + config().context() + ".");
        }
    }

    @Override
    public void close() {
        model.close(); // closes the manager: weights and moving averages with it
    }

    /** Builds a trainer: {@code set*} is required, {@code opt*} has GPT-2-like defaults. */
    public static final class Builder {
        private Gpt2Config config;
        private Path tokenizerFile;
        private String name = "trained";
        private long seed = 1;
        private double beta1 = 0.9;
        private double beta2 = 0.95;
        private double epsilon = 1e-8;
        private double weightDecay = 0.1;
        private double clipNorm = 1.0;

        private Builder() {
        }

        /** The architecture; its vocabulary must hold every id of the tokenizer. */
        public Builder setConfig(Gpt2Config config) {
            this.config = config;
            return this;
        }

        /** The {@code tokenizer.json} the model is trained with; {@link #save} copies it. */
        public Builder setTokenizer(Path tokenizerFile) {
            this.tokenizerFile = tokenizerFile;
            return this;
        }

        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        /** Seeds the initial weights. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optBetas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder optEpsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Decoupled weight decay on matrices and embeddings (default 0.1). */
        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** The largest global gradient norm; 0 turns clipping off (default 1). */
        public Builder optClipNorm(double clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        public Gpt2Trainer build() throws ModelFormatException {
            if (config == null || tokenizerFile == null) {
                throw new IllegalStateException("A trainer needs a config and a tokenizer.");
            }
            if (config.width() % config.heads() != 0) {
                throw new IllegalArgumentException("The width " + config.width() + " is not divisible by "
                        + config.heads() + " heads.");
            }
            return new Gpt2Trainer(this);
        }
    }
}
