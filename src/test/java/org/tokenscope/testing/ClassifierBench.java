package org.tokenscope.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenscope.model.deberta.DebertaClassifier;

/**
 * Times a pair classifier folder the way BENCHMARKS.md reports it: load (files read, weights in the
 * engine), then one forward pass of T token ids ({@code [CLS] ... [SEP] [SEP]}, the ids peer scripts use)
 * for each T, the median of 5 after a warm-up. Prints one JSON object.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat cp.txt) org.tokenscope.testing.ClassifierBench FOLDER 64 512</pre>
 */
public final class ClassifierBench {

    private ClassifierBench() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        Map<String, Object> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (DebertaClassifier model = DebertaClassifier.load(folder, folder.getFileName().toString())) {
            out.put("load_ms", (System.nanoTime() - t0) / 1e6);
            out.put("parameters", model.parameterCount());
            for (int a = 1; a < args.length; a++) {
                int t = Integer.parseInt(args[a]);
                int[] ids = new int[t];
                ids[0] = 1;
                for (int i = 1; i < t - 2; i++) {
                    ids[i] = 5 + ((i - 1) * 7) % 80;
                }
                ids[t - 2] = 2;
                ids[t - 1] = 2;
                List<Double> times = new ArrayList<>();
                float logit = 0;
                for (int r = 0; r < 6; r++) {
                    long s = System.nanoTime();
                    logit = model.logits(ids, new int[t])[0];
                    times.add((System.nanoTime() - s) / 1e6);
                }
                double[] sorted = times.subList(1, times.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                out.put("classify_" + t + "_ms", sorted[sorted.length / 2]);
                out.put("logit_" + t, logit);
            }
        }
        StringBuilder json = new StringBuilder("{");
        out.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        System.out.println(json.append('}'));
        System.out.println("peak RSS " + java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("?"));
    }
}
