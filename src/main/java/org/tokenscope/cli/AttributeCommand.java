package org.tokenscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.Attribution;
import org.tokenscope.backend.ScoreProgress;
import org.tokenscope.figure.AttributionFigure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.service.Explanations;
import org.tokenscope.service.OpenedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attribute}: why the model predicted one token, as a score for every token before it. */
@Command(name = "attribute", mixinStandardHelpOptions = true,
        description = "Why one token: attributes its log-probability (or its log-probability ratio to another token) to every token before it.")
public final class AttributeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Mixin
    TextInput input;

    @Mixin
    WhyOutput output;

    @Option(names = "--position", required = true, paramLabel = "I", description = "The token to explain, as score counts them (from 0).")
    int position;

    @Option(names = "--contrast", paramLabel = "ID_OR_TOKEN", description = "Why the target rather than this token: an id, or one token's text.")
    String contrast;

    @Option(names = "--method", defaultValue = "integrated-gradients", paramLabel = "METHOD",
            description = "grad-x-input, integrated-gradients, rollout or occlusion (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--steps", defaultValue = "" + Explanations.DEFAULT_STEPS, paramLabel = "N",
            description = "Integrated gradients: steps of the midpoint rule (default ${DEFAULT-VALUE}).")
    int steps;

    @Override
    public Integer call() throws Exception {
        Attribution.Method m = Attribution.Method.parse(method);
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1.");
        }
        String text = input.read();
        try (OpenedModel model = models.open(models.model())) {
            PrintWriter err = spec.commandLine().getErr();
            boolean[] drawn = {false};
            ScoreProgress progress = (done, total) -> { // occlusion through a server: a line that counts up
                if (done < total || drawn[0]) {
                    err.printf(Locale.ROOT, "\roccluding: %d of %d texts scored", done, total);
                    err.flush();
                    drawn[0] = true;
                }
            };
            Attribution a = model.backend().attribute(text, position, contrast, m, steps, () -> false, progress);
            if (drawn[0]) {
                err.println();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                out.println(WhyOutput.json(json(a)));
            } else {
                print(out, a);
            }
            output.writeFigure(AttributionFigure.of(a, FigureOptions.DEFAULT.withWidth(output.width),
                    WhyOutput.metadata(text, model.name())), out);
            out.flush();
        }
        return 0;
    }

    static Map<String, Object> json(Attribution a) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("position", a.target().position());
        target.put("id", a.target().id());
        target.put("text", a.target().text());
        target.put("logprob", WhyOutput.number(a.target().logprob()));
        if (a.target().contrast() == null) {
            target.put("contrast", null);
        } else {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", a.target().contrast().id());
            c.put("text", a.target().contrast().text());
            c.put("logprob", WhyOutput.number(a.target().contrast().logprob()));
            target.put("contrast", c);
        }
        root.put("target", target);
        root.put("method", a.method().id());
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < a.scores().length; i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("index", i);
            t.put("id", a.tokens().get(i).id());
            t.put("text", a.tokens().get(i).text());
            t.put("score", WhyOutput.number(a.scores()[i]));
            list.add(t);
        }
        root.put("attributions", list);
        root.put("completeness_error", a.completenessError());
        return root;
    }

    private static void print(PrintWriter out, Attribution a) {
        Attribution.Target t = a.target();
        out.printf(Locale.ROOT, "why %s (token %d, log p %.4f)%s · %s%n", Tokens.visible(t.text(), false, 20), t.position(),
                t.logprob(), t.contrast() == null ? "" : String.format(Locale.ROOT, " rather than %s (log p %.4f)",
                        Tokens.visible(t.contrast().text(), false, 20), t.contrast().logprob()), a.method().label());
        double largest = a.largest() > 0 ? a.largest() : 1;
        for (int i = 0; i < a.scores().length; i++) {
            double s = a.scores()[i];
            int bar = (int) Math.round(Math.abs(s) / largest * 30);
            out.printf(Locale.ROOT, "  %4d %-20s %+10.4f %s%n", i, Tokens.visible(a.tokens().get(i).text(), false, 20), s,
                    (s < 0 ? "-" : "+").repeat(bar));
        }
        if (a.completenessError() != null) {
            out.printf(Locale.ROOT, "completeness error |Σ − (f(x) − f(baseline))| = %.6f%n", a.completenessError());
        }
    }
}
