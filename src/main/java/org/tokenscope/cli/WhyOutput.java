package org.tokenscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Exporter;
import org.tokenscope.figure.Figure;
import picocli.CommandLine.Option;

/** What {@code attribute}, {@code intervene} and {@code patch} share: JSON, and the figure written to a file. */
final class WhyOutput {

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the figure: .svg or .png.")
    Path out;

    @Option(names = "--width", defaultValue = "800", paramLabel = "PX", description = "Figure width (default ${DEFAULT-VALUE}).")
    double width;

    static String json(Object root) throws Exception {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    /** NaN and infinities as JSON null. */
    static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static ExportMetadata metadata(String text, String model) {
        return ExportMetadata.of(Version.current(), text, java.util.List.of(new ExportMetadata.ModelRef(model, "local")));
    }

    void writeFigure(Figure figure, PrintWriter stdout) throws Exception {
        if (out == null) {
            return;
        }
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        Exporter.Format format = name.endsWith(".png") ? Exporter.Format.PNG
                : name.endsWith(".svg") ? Exporter.Format.SVG : null;
        if (format == null) {
            throw new IllegalArgumentException("--out " + out + ": the figure is written as .svg or .png.");
        }
        Exporter.exportFigure(figure, format, Exporter.ImageOptions.DEFAULT, out);
        if (!json) {
            stdout.println("Wrote " + out + ".");
        }
    }
}
