package org.tokenscope.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tokenscope.analysis.PatchGrid;
import org.tokenscope.figure.FigureOptions;
import org.tokenscope.figure.PatchFigure;
import org.tokenscope.service.OpenedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code patch}: activation patching of the residual stream, clean into corrupted, as a block × position grid. */
@Command(name = "patch", mixinStandardHelpOptions = true,
        description = "Activation patching: the corrupted text runs with the clean text's residual stream after one block "
                + "at one position; prints the share of the clean-vs-corrupted metric each patch restores.")
public final class PatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions models;

    @Mixin
    WhyOutput output;

    @Option(names = "--clean", required = true, paramLabel = "T1", description = "The clean text.")
    String clean;

    @Option(names = "--corrupted", required = true, paramLabel = "T2", description = "The corrupted text, of as many tokens.")
    String corrupted;

    @Option(names = "--position", required = true, paramLabel = "I", description = "The index of the token being predicted.")
    int position;

    @Option(names = "--target", required = true, paramLabel = "ID", description = "The token whose logit is the metric (an id, or one token's text).")
    String target;

    @Option(names = "--contrast", paramLabel = "ID", description = "The metric becomes the logit difference target − contrast.")
    String contrast;

    @Override
    public Integer call() throws Exception {
        try (OpenedModel model = models.open(models.model())) {
            PatchGrid g = model.backend().patch(clean, corrupted, position, target, contrast, () -> false);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("layers", g.layers());
                root.put("positions", g.positions());
                root.put("effect", g.effect());
                out.println(WhyOutput.json(root));
            } else {
                out.printf(Locale.ROOT, "metric at token %d: clean %.4f, corrupted %.4f; share restored by patching:%n",
                        g.position(), g.clean(), g.corrupted());
                StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-9s", ""));
                for (int p = 0; p < g.positions(); p++) {
                    head.append(String.format(Locale.ROOT, " %7s", Tokens.visible(g.tokens().get(p).text(), false, 7)));
                }
                out.println(head);
                for (int l = 0; l < g.layers(); l++) {
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "block %-3d", l));
                    for (double e : g.effect()[l]) {
                        row.append(String.format(Locale.ROOT, " %7.3f", e));
                    }
                    out.println(row);
                }
            }
            output.writeFigure(PatchFigure.of(g, FigureOptions.DEFAULT.withWidth(output.width),
                    WhyOutput.metadata(clean + "\n" + corrupted, model.name())), out);
            out.flush();
        }
        return 0;
    }
}
