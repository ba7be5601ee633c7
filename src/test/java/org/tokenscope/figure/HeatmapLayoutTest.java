package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Figure.Item;

class HeatmapLayoutTest {

    static final FigureOptions OPTIONS = FigureOptions.DEFAULT.withWidth(500);

    @Test
    void everyTokenIsAnItemWithItsScoresAndTopFive() {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, true);
        HeatmapFigure f = HeatmapFigure.of(scored, OPTIONS, ExportMetadata.NONE);
        List<Integer> indices = f.items().stream().filter(i -> i.kind().equals("token")).map(Item::index).distinct().toList();
        assertThat(indices).hasSize(scored.tokens().size());
        Item fox = f.items().stream().filter(i -> i.index() == 3).findFirst().orElseThrow();
        assertThat(fox.tooltip()).contains("'·fox'", "id " + scored.tokens().get(3).id(), "p ", "log p", "rank",
                "entropy", "top: '·the'", "'↵'");
        assertThat(f.title()).contains("gpt2", "perplexity");
    }

    @Test
    void theTextWrapsAtTheWidthAndTheNarrowerTheMoreLines() {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH.repeat(3), "gpt2", 1, true);
        int previous = 0;
        for (double width : new double[] {900, 500, 300}) {
            HeatmapFigure f = HeatmapFigure.of(scored, OPTIONS.withWidth(width), ExportMetadata.NONE);
            for (Item item : f.items()) {
                assertThat(item.x()).isGreaterThanOrEqualTo(Theme.MARGIN - 1e-9);
                assertThat(item.x() + item.width()).as("token %d at width %s", item.index(), width)
                        .isLessThanOrEqualTo(width - Theme.MARGIN + 1e-6);
            }
            assertThat(f.lines()).isGreaterThan(previous);
            previous = f.lines();
        }
    }

    @Test
    void newlinesAreKeptAndWordsAreNotBroken() {
        String text = "first line\nsecond line\n\nafter an empty line";
        ScoredText scored = Samples.scored(text, "gpt2", 3, true);
        HeatmapFigure f = HeatmapFigure.of(scored, OPTIONS.withWidth(900), ExportMetadata.NONE);
        // the token after each newline starts a line at the left margin, each further down
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < scored.tokens().size(); i++) {
            String t = scored.tokens().get(i).text();
            if (i > 0 && scored.tokens().get(i - 1).text().endsWith("\n")) {
                final int index = i;
                Item item = f.items().stream().filter(it -> it.index() == index).findFirst().orElseThrow();
                assertThat(item.x()).as(t).isEqualTo(Theme.MARGIN);
                starts.add(item.y());
            }
        }
        assertThat(starts).hasSize(3).isSorted();
        assertThat(f.lines()).isEqualTo(4); // first, second, the empty one, after
        // a word that does not fit moves to the next line whole
        ScoredText words = Samples.scored("aaaa bbbb cccc dddd eeee ffff gggg", "gpt2", 3, true);
        HeatmapFigure narrow = HeatmapFigure.of(words, OPTIONS.withWidth(200), ExportMetadata.NONE);
        assertThat(narrow.lines()).isGreaterThan(1);
        assertThat(Recorder.of(narrow).texts()).contains("aaaa", "bbbb", "cccc", "dddd", "eeee", "ffff", "gggg");
    }

    @Test
    void aTokenLongerThanALineBreaksBetweenItsCharacters() {
        String text = "x".repeat(200);
        ScoredText scored = Samples.scored(text, "gpt2", 3, true);
        HeatmapFigure f = HeatmapFigure.of(scored, OPTIONS.withWidth(220), ExportMetadata.NONE);
        assertThat(f.items()).hasSizeGreaterThan(3);
        assertThat(f.items()).allMatch(i -> i.index() == 0 && i.x() + i.width() <= 220 - Theme.MARGIN + 1e-6);
    }

    @Test
    void splitCharactersShowInEachTokenWithTheirPart() {
        ScoredText scored = Samples.scored("I like 😀 a lot", "gpt2", 3, true);
        List<List<TokenPieces.Piece>> pieces = TokenPieces.of(scored.text(), scored.tokens());
        List<String> shown = pieces.stream().map(p -> TokenPieces.shown(p, true)).toList();
        assertThat(shown).containsSubsequence("😀¹⁄₂", "😀²⁄₂");
        assertThat(String.join("", pieces.stream().map(p -> TokenPieces.shown(p, false)).toList()))
                .isEqualTo("I like 😀¹⁄₂😀²⁄₂ a lot");
        assertThat(shown).contains("·like", "·a", "·lot");
    }

    @Test
    void whitespaceIsMadeVisibleOnRequest() {
        ScoredText scored = Samples.scored("a  b\tc\n", "gpt2", 3, true);
        List<List<TokenPieces.Piece>> pieces = TokenPieces.of(scored.text(), scored.tokens());
        String visible = String.join("", pieces.stream().map(p -> TokenPieces.shown(p, true)).toList());
        assertThat(visible).isEqualTo("a··b→c↵");
        Recorder plain = Recorder.of(HeatmapFigure.of(scored, OPTIONS, ExportMetadata.NONE));
        Recorder shown = Recorder.of(HeatmapFigure.of(scored, OPTIONS.withBoundaries(true), ExportMetadata.NONE));
        assertThat(plain.texts()).doesNotContain("·", "↵", "→");
        assertThat(shown.texts()).contains("·", "↵", "→");
    }

    @Test
    void unscoredTokensAreGreyAndTheRestFollowTheirProbability() {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH, "gpt2", 1, false);
        HeatmapFigure f = HeatmapFigure.of(scored, OPTIONS, ExportMetadata.NONE);
        assertThat(f.coloring().color(scored.tokens().get(0))).isEqualTo(Theme.UNSCORED);
        var sorted = scored.tokens().stream().filter(t -> t.isScored())
                .sorted(java.util.Comparator.comparingDouble(t -> t.prob())).toList();
        double low = f.coloring().color(sorted.get(0)).luminance();
        double high = f.coloring().color(sorted.get(sorted.size() - 1)).luminance();
        assertThat(high).isGreaterThan(low);
    }

    /**
     * The colours on the page follow the probabilities: each token's box is painted in the palette's
     * colour for its probability on the fixed [0, 1] scale, so a more probable token is never darker
     * (viridis rises in lightness) and two tokens of equal probability get the same colour.
     */
    @Test
    void theBoxesArePaintedInProbabilityOrder() {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH, "gpt2", 3, false);
        HeatmapFigure f = HeatmapFigure.of(scored, OPTIONS, ExportMetadata.NONE);
        Recorder painted = Recorder.of(f);
        java.util.Map<Integer, Painter.Rgb> boxColour = new java.util.HashMap<>();
        for (Recorder.Fill fill : painted.fills) {
            if (fill.item() != null && fill.item().matches("token-\\d+")) {
                int token = Integer.parseInt(fill.item().substring("token-".length()));
                Painter.Rgb before = boxColour.putIfAbsent(token, fill.fill());
                assertThat(before == null || before.equals(fill.fill())).as("one colour per token").isTrue();
            }
        }
        var scoredTokens = scored.tokens().stream().filter(TokenScore::isScored).toList();
        assertThat(boxColour.keySet()).containsAll(scoredTokens.stream().map(TokenScore::index).toList());
        for (TokenScore t : scoredTokens) {
            assertThat(boxColour.get(t.index())).as("token %d (p %.4f)", t.index(), t.prob())
                    .isEqualTo(OPTIONS.palette().color(t.prob()));
        }
        var byProbability = scoredTokens.stream().sorted(java.util.Comparator.comparingDouble(TokenScore::prob)).toList();
        for (int i = 1; i < byProbability.size(); i++) {
            assertThat(boxColour.get(byProbability.get(i).index()).luminance())
                    .isGreaterThanOrEqualTo(boxColour.get(byProbability.get(i - 1).index()).luminance() - 1e-9);
        }
    }

    /**
     * A wrapped line starts with its word, never with the space before it: the space stays at the end of
     * the line above (as wide as the room left there), at every width, with and without boundaries.
     */
    @Test
    void noWrappedLineStartsWithASpace() {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH.repeat(4), "gpt2", 5, true);
        int checked = 0;
        for (boolean boundaries : new boolean[] {false, true}) {
            for (double width = 200; width <= 900; width += 23) {
                HeatmapFigure f = HeatmapFigure.of(scored, OPTIONS.withWidth(width).withBoundaries(boundaries),
                        ExportMetadata.NONE);
                for (int i = 1; i < scored.tokens().size(); i++) {
                    String text = scored.tokens().get(i).text();
                    if (!text.startsWith(" ") || scored.tokens().get(i - 1).text().endsWith("\n")) {
                        continue;
                    }
                    final int index = i;
                    Item first = f.items().stream().filter(it -> it.index() == index).findFirst().orElseThrow();
                    assertThat(first.x()).as("token %d '%s' at width %s, boundaries %s", i, text, width, boundaries)
                            .isGreaterThan(Theme.MARGIN + 1e-9);
                    assertThat(first.x() + first.width()).isLessThanOrEqualTo(width - Theme.MARGIN + 1e-6);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    /**
     * Each box's text is black or white, whichever has the more contrast with that box's colour: at least
     * WCAG's 4.5:1 for normal text, on every colour of every measure (GLTR's buckets, probability, entropy).
     */
    @Test
    void everyTokensTextReadsOnItsBox() {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH.repeat(3), "gpt2", 4, true);
        int checked = 0;
        for (Measure measure : Measure.values()) {
            for (Palette palette : List.of(Palette.VIRIDIS, Palette.CIVIDIS)) {
                Recorder r = Recorder.of(HeatmapFigure.of(scored, OPTIONS.withMeasure(measure).withPalette(palette),
                        ExportMetadata.NONE));
                java.util.Map<String, Painter.Rgb> box = new java.util.HashMap<>();
                r.fills.stream().filter(f -> f.item() != null).forEach(f -> box.put(f.item(), f.fill()));
                for (int i = 0; i < r.texts.size(); i++) {
                    Painter.Rgb fill = box.get(r.textItems.get(i));
                    if (fill == null || r.texts.get(i).fill().alpha() < 1) {
                        continue; // outside a box, or a faint whitespace mark
                    }
                    Painter.Rgb ink = r.texts.get(i).fill();
                    double hi = Math.max(ink.luminance(), fill.luminance());
                    double lo = Math.min(ink.luminance(), fill.luminance());
                    assertThat((hi + 0.05) / (lo + 0.05)).as("'%s' on %s (%s, %s)", r.texts.get(i).text(), fill, measure, palette)
                            .isGreaterThanOrEqualTo(4.5);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(500);
    }
}
