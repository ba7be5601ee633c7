package org.tokenscope.app;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.image.Image;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.stage.FileChooser;
import org.tokenscope.figure.DataExport;
import org.tokenscope.figure.ExportMetadata;
import org.tokenscope.figure.Exporter;
import org.tokenscope.figure.Figure;

/** What a {@link FigureView}'s menu does: export the figure on screen or its data, copy it as an image. */
final class FigureExport {

    /** Writes to a file, or says why not. */
    interface Target {
        void write(Path file) throws IOException;
    }

    private FigureExport() {
    }

    /** Writes the figure (svg, png) or its data table (csv, json, tex), by the file's extension. */
    static void write(Figure fig, DataExport.Table table, ExportMetadata metadata, Path file) throws IOException {
        if (fig == null) {
            throw new IOException("There is no figure to export yet.");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        switch (ext) {
            case "svg" -> Exporter.exportFigure(fig, Exporter.Format.SVG, Exporter.ImageOptions.DEFAULT, file);
            case "png" -> Exporter.exportFigure(fig, Exporter.Format.PNG, Exporter.ImageOptions.ofScale(2), file);
            case "csv", "json", "tex" -> {
                if (table == null) {
                    throw new IOException("This figure has no data table to export.");
                }
                Files.writeString(file, DataExport.write(table, DataExport.Format.parse(ext), metadata),
                        StandardCharsets.UTF_8);
            }
            default -> throw new IOException("Choose a file ending in .svg, .png, .csv, .json or .tex.");
        }
    }

    /** Asks where to export {@code fig} and writes it there through {@code target}. */
    static void dialog(Node owner, Figure fig, Target target) {
        if (fig == null) {
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export " + fig.title());
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("SVG (vector)", "*.svg"),
                new FileChooser.ExtensionFilter("PNG (2×)", "*.png"),
                new FileChooser.ExtensionFilter("CSV data", "*.csv"),
                new FileChooser.ExtensionFilter("JSON data", "*.json"),
                new FileChooser.ExtensionFilter("LaTeX table", "*.tex"));
        File file = chooser.showSaveDialog(owner.getScene() == null ? null : owner.getScene().getWindow());
        if (file != null) {
            try {
                target.write(file.toPath());
            } catch (IOException | RuntimeException ex) {
                new Alert(Alert.AlertType.ERROR, "Could not export: " + ex.getMessage()).show();
            }
        }
    }

    /** Puts the figure on the clipboard as a PNG at twice its size. */
    static void copyAsImage(Figure fig) {
        if (fig == null) {
            return;
        }
        try {
            byte[] png = Exporter.toBytes(fig, Exporter.Format.PNG, Exporter.ImageOptions.ofScale(2));
            ClipboardContent content = new ClipboardContent();
            content.putImage(new Image(new ByteArrayInputStream(png)));
            Clipboard.getSystemClipboard().setContent(content);
        } catch (IOException ex) {
            new Alert(Alert.AlertType.ERROR, "Could not copy: " + ex.getMessage()).show();
        }
    }
}
