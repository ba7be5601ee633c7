package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class PngExportTest {

    @TempDir
    Path dir;

    static final ExportMetadata METADATA = ExportMetadata.of("1.2.3", Samples.PARAGRAPH,
            java.util.List.of(new ExportMetadata.ModelRef("gpt2", "main"))).withSetting("note", "naïve → unicode");

    Figure heatmap() {
        return HeatmapFigure.of(Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true), FigureOptions.DEFAULT.withWidth(500),
                METADATA);
    }

    /** The text chunks of a PNG: tEXt and iTXt, keyword → text. */
    static Map<String, String> textChunks(byte[] png) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.next();
            reader.setInput(in);
            IIOMetadata metadata = reader.getImageMetadata(0);
            Node root = metadata.getAsTree("javax_imageio_png_1.0");
            Map<String, String> out = new HashMap<>();
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                for (Node e = n.getFirstChild(); e != null; e = e.getNextSibling()) {
                    var attributes = e.getAttributes();
                    if (e.getNodeName().equals("tEXtEntry")) {
                        out.put(attributes.getNamedItem("keyword").getNodeValue(), attributes.getNamedItem("value").getNodeValue());
                    } else if (e.getNodeName().equals("iTXtEntry")) {
                        out.put(attributes.getNamedItem("keyword").getNodeValue(), attributes.getNamedItem("text").getNodeValue());
                    }
                }
                if (n.getNodeName().equals("pHYs")) {
                    out.put("pHYs", n.getAttributes().getNamedItem("pixelsPerUnitXAxis").getNodeValue());
                }
            }
            reader.dispose();
            return out;
        }
    }

    @Test
    void thePngCarriesTheTitleAndMetadataInTextChunks() throws Exception {
        Figure f = heatmap();
        byte[] png = Exporter.toBytes(f, Exporter.Format.PNG, Exporter.ImageOptions.DEFAULT);
        Map<String, String> text = textChunks(png);
        assertThat(text).containsEntry("Title", f.title())
                .containsEntry("Software", "tokenscope 1.2.3")
                .containsEntry("model.A", "gpt2")
                .containsEntry("model.A.revision", "main")
                .containsEntry("text.sha256", ExportMetadata.sha256(Samples.PARAGRAPH))
                .containsEntry("figure", "heatmap")
                .containsEntry("measure", "prob")
                .containsEntry("palette", "viridis")
                .containsEntry("note", "naïve → unicode"); // not Latin-1: an iTXt chunk
        // the chunks are really there, by name
        String raw = new String(png, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(raw).contains("tEXtTitle\0", "tEXtSoftware\0tokenscope 1.2.3", "iTXtnote\0");
    }

    @Test
    void theSizeFollowsTheScaleAndTheDpi() throws Exception {
        Figure f = heatmap();
        for (double scale : new double[] {1, 2, 3}) {
            Path out = dir.resolve("h" + scale + ".png");
            Exporter.exportFigure(f, Exporter.Format.PNG, Exporter.ImageOptions.ofScale(scale), out);
            BufferedImage image = ImageIO.read(out.toFile());
            assertThat(image.getWidth()).isEqualTo((int) Math.round(f.width() * scale));
            assertThat(image.getHeight()).isEqualTo((int) Math.round(f.height() * scale));
        }
        byte[] png = Exporter.toBytes(f, Exporter.Format.PNG, Exporter.ImageOptions.ofDpi(300));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo((int) Math.ceil(f.width() * 300 / 96 - 1e-9));
        assertThat(textChunks(png)).containsEntry("pHYs", Long.toString(Math.round(300 / 0.0254)));
    }

    @Test
    void aTransparentPngHasNoBackground() throws Exception {
        Figure f = heatmap();
        BufferedImage white = PngPainter.render(f, 1, false);
        BufferedImage clear = PngPainter.render(f, 1, true);
        assertThat(white.getRGB(1, 1)).isEqualTo(0xffffffff);
        assertThat(clear.getRGB(1, 1) >>> 24).isZero();
        // a token box is opaque in both
        Figure.Item box = f.items().get(0);
        int x = (int) (box.x() + 1);
        int y = (int) (box.y() + 1);
        assertThat(clear.getRGB(x, y) >>> 24).isEqualTo(255);
        assertThat(clear.getRGB(x, y)).isEqualTo(white.getRGB(x, y));
        String svg = SvgPainter.render(f, true);
        assertThat(svg).doesNotContain("fill=\"#ffffff\"/>\n  <g");
        assertThat(Files.exists(dir)).isTrue();
    }
}
