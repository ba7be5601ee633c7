package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgExportTest {

    static final String SVG_NS = "http://www.w3.org/2000/svg";

    static final ExportMetadata METADATA = ExportMetadata.of("1.2.3", Samples.PARAGRAPH,
            List.of(new ExportMetadata.ModelRef("gpt2", "607a30d783dfa663caf39e06633721c8d4cfcd7e"),
                    new ExportMetadata.ModelRef("gpt2-large", "main"))).withSetting("seed", "42");

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> texts(Document doc) {
        NodeList nodes = doc.getElementsByTagNameNS(SVG_NS, "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) out.add(nodes.item(i).getTextContent());
        return out;
    }

    @Test
    void everyFigureIsValidSvgWithItsTitleAndMetadata() throws Exception {
        for (Map.Entry<String, Figure> e : Gallery.all(FigureOptions.DEFAULT, METADATA).entrySet()) {
            String svg = SvgPainter.render(e.getValue(), false);
            Document doc = parse(svg);
            Element root = doc.getDocumentElement();
            assertThat(root.getNamespaceURI()).isEqualTo(SVG_NS);
            assertThat(root.getLocalName()).isEqualTo("svg");
            assertThat(Double.parseDouble(root.getAttribute("width"))).isCloseTo(e.getValue().width(),
                    org.assertj.core.api.Assertions.within(0.01));
            Element title = (Element) root.getElementsByTagNameNS(SVG_NS, "title").item(0);
            assertThat(title.getParentNode()).isEqualTo(root);
            assertThat(title.getTextContent()).isEqualTo(e.getValue().title());
            Map<String, String> entries = new HashMap<>();
            NodeList list = doc.getElementsByTagNameNS(SvgPainter.METADATA_NS, "entry");
            for (int i = 0; i < list.getLength(); i++) {
                Element entry = (Element) list.item(i);
                entries.put(entry.getAttribute("key"), entry.getTextContent());
            }
            assertThat(entries).as(e.getKey()).containsEntry("software", "tokenscope 1.2.3")
                    .containsEntry("model.A", "gpt2")
                    .containsEntry("model.A.revision", "607a30d783dfa663caf39e06633721c8d4cfcd7e")
                    .containsEntry("model.B", "gpt2-large")
                    .containsEntry("text.sha256", ExportMetadata.sha256(Samples.PARAGRAPH))
                    .containsEntry("seed", "42")
                    .containsKey("figure");
            // items are groups with a tooltip
            NodeList groups = doc.getElementsByTagNameNS(SVG_NS, "g");
            assertThat(groups.getLength()).as(e.getKey()).isPositive();
            Element firstGroup = (Element) groups.item(0);
            assertThat(firstGroup.getElementsByTagNameNS(SVG_NS, "title").getLength()).isEqualTo(1);
        }
    }

    @Test
    void theHeatmapKeepsEveryTokensTextAsTextEscaped() throws Exception {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        String svg = SvgPainter.render(HeatmapFigure.of(scored, FigureOptions.DEFAULT, METADATA), true);
        assertThat(svg).contains("&lt;", "&gt;.", "&amp;").doesNotContain("<tags");
        List<String> texts = texts(parse(svg));
        for (TokenScore t : scored.tokens()) {
            String word = t.text().strip();
            if (word.isEmpty() || t.partial()) continue;
            assertThat(texts).as("token %d", t.index()).contains(word);
        }
        assertThat(texts).contains("😀", "<", "tags", ">.", "“", "quotes", "&", "naïve");
        assertThat(String.join("", texts)).contains("¹⁄₂", "²⁄₂");
        // transparent: no background rectangle
        assertThat(svg).doesNotContain("fill=\"#ffffff\"/>\n  <g");
    }

    @Test
    void charactersXmlCannotHoldAreReplacedAndIdsAreUnique() throws Exception {
        assertThat(SvgPainter.escape("a\u0001b\uFFFEc<&>\"'")).isEqualTo("a\uFFFDb\uFFFDc&lt;&amp;&gt;&quot;&apos;");
        ScoredText a = Samples.scored("bell\u0007 and nul\u0000 ok", "gpt2", 1, true);
        ScoredText b = Samples.scored("bell\u0007 and nul\u0000 ok", "gpt2-large", 2, true);
        String svg = SvgPainter.render(CompareHeatmapFigure.of(a, b, CompareHeatmapFigure.Mode.STACKED,
                FigureOptions.DEFAULT, METADATA), false);
        Document doc = parse(svg);
        assertThat(texts(doc)).anyMatch(t -> t.contains("^G"));
        NodeList groups = doc.getElementsByTagNameNS(SVG_NS, "g");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < groups.getLength(); i++) {
            String id = ((Element) groups.item(i)).getAttribute("id");
            assertThat(ids.add(id)).as("id %s is unique", id).isTrue();
        }
    }

    @Test
    void axisLabelsAndNumbersAreText() throws Exception {
        Map<String, Figure> all = Gallery.all(FigureOptions.DEFAULT, METADATA);
        List<String> scatter = texts(parse(SvgPainter.render(all.get("scatter"), false)));
        assertThat(scatter).anyMatch(t -> t.startsWith("Pearson r = "))
                .anyMatch(t -> t.startsWith("Spearman ρ = "))
                .anyMatch(t -> t.contains("gpt2-large"))
                .contains("−10", "0");
        String plot = SvgPainter.render(all.get("plot"), false);
        assertThat(plot).contains("transform=\"rotate(-90");
        assertThat(texts(parse(plot))).contains("token index", "probability", "gpt2", "gpt2-large");
        assertThat(texts(parse(SvgPainter.render(all.get("steps"), false)))).contains("step", "log-prob", "·fox", "↵");
        assertThat(texts(parse(SvgPainter.render(all.get("topk"), false)))).contains("·the", "30.1%");
        assertThat(texts(parse(SvgPainter.render(all.get("tokens"), false)))).contains("·quick", "101");
    }
}
