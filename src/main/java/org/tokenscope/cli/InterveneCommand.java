package org.tokenscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.Ablation;
import org.tokenscope.figure.AblationFigure;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.service.OpenedModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code intervene}: zero one attention head or one MLP and see every token's log-probability change. */
@Command(name = "intervene", mixinStandardHelpOptions = true,
        description = "Zero-ablates one attention head (its output before the output projection) or one block's MLP output "
                + "and prints every token's log-probability with the model whole and ablated.")
public final class InterveneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Mixin
    TextInput input;

    @Mixin
    WhyOutput output;

    static final class What {
        @Option(names = "--ablate", paramLabel = "L.H", description = "The head to zero: block L, head H (from 0, as inspect counts).")
        String head;

        @Option(names = "--ablate-mlp", paramLabel = "L", description = "The block whose MLP output to zero.")
        Integer mlp;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    @Override
    public Integer call() throws Exception {
        int layer;
        int head;
        if (what.mlp != null) {
            layer = what.mlp;
            head = -1;
        } else {
            String[] parts = what.head.split("\\.");
            if (parts.length != 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
                throw new IllegalArgumentException("--ablate takes a block and a head as L.H, such as 3.5.");
            }
            layer = Integer.parseInt(parts[0]);
            head = Integer.parseInt(parts[1]);
        }
        String text = input.read();
        try (OpenedModel model = models.open(models.model())) {
            Ablation a = model.backend().intervene(text, layer, head, () -> false);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                out.println(WhyOutput.json(json(a)));
            } else {
                out.printf(Locale.ROOT, "zeroing %s of %s%n", a.label(), a.model());
                out.printf(Locale.ROOT, "%6s %6s  %-20s %10s %10s %10s%n", "index", "id", "token", "log-prob", "ablated", "change");
                for (int i = 0; i < a.tokens().size(); i++) {
                    out.printf(Locale.ROOT, "%6d %6d  %-20s %10.4f %10.4f %+10.4f%n", i, a.tokens().get(i).id(),
                            Tokens.visible(a.tokens().get(i).text(), false, 20), a.logprob()[i], a.logprobAblated()[i],
                            a.delta()[i]);
                }
            }
            output.writeFigure(AblationFigure.of(a, FigureOptions.DEFAULT.withWidth(output.width),
                    WhyOutput.metadata(text, model.name())), out);
            out.flush();
        }
        return 0;
    }

    static Map<String, Object> json(Ablation a) {
        List<Object> tokens = new ArrayList<>();
        for (int i = 0; i < a.tokens().size(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("index", i);
            t.put("id", a.tokens().get(i).id());
            t.put("text", a.tokens().get(i).text());
            t.put("logprob", WhyOutput.number(a.logprob()[i]));
            t.put("logprob_ablated", WhyOutput.number(a.logprobAblated()[i]));
            tokens.add(t);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tokens", tokens);
        return root;
    }
}
