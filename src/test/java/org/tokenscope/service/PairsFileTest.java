package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.TextPair;

class PairsFileTest {

    @TempDir
    Path dir;

    @Test
    void pastedTwoColumnTsvAndCsvNeedNoHeader() throws IOException {
        assertThat(PairsFile.parse("a\tb\nc\td\n")).containsExactly(new TextPair("a", "b"), new TextPair("c", "d"));
        assertThat(PairsFile.parse("\"x, y\",\"he said \"\"no\"\"\"\r\n\"multi\nline\",z"))
                .containsExactly(new TextPair("x, y", "he said \"no\""), new TextPair("multi\nline", "z"));
    }

    @Test
    void aHeaderPicksItsColumnsInAnyOrder() throws IOException {
        Path file = dir.resolve("p.csv");
        Files.writeString(file, "\uFEFFHypothesis,label,Premise\nh1,0,p1\n");
        assertThat(PairsFile.read(file)).containsExactly(new TextPair("p1", "h1"));
    }

    @Test
    void jsonLinesSkipBlankLinesAndNameABadOne() throws IOException {
        assertThat(PairsFile.parse("{\"premise\":\"a\",\"hypothesis\":\"b\",\"id\":1}\n\n")).containsExactly(new TextPair("a", "b"));
        assertThatThrownBy(() -> PairsFile.parse("{\"premise\":\"a\",\"hypothesis\":\"b\"}\n{oops"))
                .hasMessageStartingWith("The pasted text, line 2, is not a JSON object");
    }

    @Test
    void badTablesAreOneSentence() {
        assertThatThrownBy(() -> PairsFile.parse("a\tb\tc\n")).hasMessageContaining("row 1, has 3 columns");
        assertThatThrownBy(() -> PairsFile.parse("premise,text\nx,y\n")).hasMessageContaining("names only one of the columns");
        assertThatThrownBy(() -> PairsFile.parse("\"open,b\n")).hasMessageContaining("ends inside a quoted field");
        assertThatThrownBy(() -> PairsFile.parse("  \n")).hasMessage("The pasted text holds no pairs.");
        assertThatThrownBy(() -> PairsFile.read(dir.resolve("none.tsv"))).hasMessageContaining("There is no file");
    }
}
