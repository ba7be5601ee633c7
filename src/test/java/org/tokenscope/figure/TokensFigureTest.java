package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;

class TokensFigureTest {

    /**
     * The chips' colour says nothing it does not mean: every chip has the same fill, and what tells one token
     * from the next is its edge; only a chip holding part of a character is edged differently, and the
     * subtitle says what that edge means.
     */
    @Test
    void everyChipIsOneNeutralColourWithAnEdgeAndSplitCharactersAreMarked() {
        ScoredText scored = Samples.scored(Samples.PARAGRAPH, "gpt2", 2, true);
        List<TokenScore> tokens = scored.tokens();
        assertThat(tokens).anyMatch(TokenScore::partial).anyMatch(t -> !t.partial());
        TokensFigure f = TokensFigure.of(scored.text(), tokens, null, "gpt2", FigureOptions.DEFAULT, ExportMetadata.NONE);
        Recorder r = Recorder.of(f);
        Map<String, List<Painter.Rgb>> fills = r.fills.stream().filter(x -> x.item() != null && x.item().startsWith("chip-"))
                .collect(Collectors.groupingBy(Recorder.Fill::item, Collectors.mapping(Recorder.Fill::fill, Collectors.toList())));
        assertThat(fills).hasSize(tokens.size());
        assertThat(fills.values().stream().flatMap(List::stream).distinct()).containsExactly(Theme.CHIP);
        for (TokenScore t : tokens) {
            List<Recorder.Stroke> edges = r.strokes.stream().filter(s -> ("chip-" + t.index()).equals(s.item())).toList();
            assertThat(edges).as("token %d's edge", t.index()).hasSize(1);
            assertThat(edges.get(0).stroke()).as("token %d", t.index()).isEqualTo(t.partial() ? Theme.SERIES_B : Theme.CHIP_EDGE);
        }
        assertThat(r.allText()).contains("orange edge: part of a character");
    }
}
