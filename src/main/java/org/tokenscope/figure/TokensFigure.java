package org.tokenscope.figure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.figure.Painter.Anchor;
import org.tokenscope.figure.Painter.Font;
import org.tokenscope.figure.TokenPieces.Piece;

/**
 * The tokenization laid bare: every token a chip with its piece (whitespace visible, a split character
 * marked with its part) and beneath it its id and, when known, its length in UTF-8 bytes; every chip the
 * same neutral colour with a visible edge (colour would suggest a meaning the tokens do not have), a chip
 * holding only part of a character edged in the series colour B and said so in the subtitle; wrapped to
 * the width; the counts of tokens, characters and bytes in the subtitle.
 * Items are the chips (kind "chip").
 */
public final class TokensFigure extends DrawnFigure {

    private static final double PAD_X = 5;
    private static final double PAD_Y = 3;
    private static final double GAP_X = 4;
    private static final double GAP_Y = 6;

    private final int rows;

    private TokensFigure(double width, double height, String title, Sheet sheet, Map<String, String> metadata, int rows) {
        super(width, height, title, sheet, metadata);
        this.rows = rows;
    }

    /**
     * @param text       the text the tokens cut
     * @param tokens     its tokens (scores are not used: unscored tokens do)
     * @param byteLength each token's length in UTF-8 bytes, or null when unknown
     * @param model      whose tokenizer it is
     */
    public static TokensFigure of(String text, List<TokenScore> tokens, int[] byteLength, String model,
                                  FigureOptions options, ExportMetadata metadata) {
        if (byteLength != null && byteLength.length != tokens.size()) {
            throw new IllegalArgumentException("One byte length per token is needed.");
        }
        double w = options.width();
        double m = Theme.MARGIN;
        double inner = w - 2 * m;
        Sheet sheet = new Sheet();
        int chars = text.codePointCount(0, text.length());
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        String title = "Tokens · " + model;
        String subtitle = tokens.size() + (tokens.size() == 1 ? " token · " : " tokens · ") + chars
                + (chars == 1 ? " character · " : " characters · ") + bytes + " UTF-8 bytes"
                + (tokens.isEmpty() ? "" : " · " + Glyphs.number((double) chars / tokens.size(), 2) + " characters per token")
                + (tokens.stream().anyMatch(TokenScore::partial) ? " · orange edge: part of a character" : "");
        double y = Header.draw(sheet, m, m, inner, title, subtitle) + 14;
        Font piece = new Font(options.fontSize(), false, options.monospace());
        Font id = Theme.TICK;
        double chipH = PAD_Y + TextMeasure.lineHeight(piece) + TextMeasure.lineHeight(id) + PAD_Y;
        List<List<Piece>> pieces = TokenPieces.of(text, tokens);
        double x = m;
        int rows = tokens.isEmpty() ? 0 : 1;
        for (int i = 0; i < tokens.size(); i++) {
            TokenScore t = tokens.get(i);
            String shown = TokenPieces.shown(pieces.get(i), true);
            if (shown.isEmpty()) shown = Glyphs.visible(t.text());
            shown = TextMeasure.ellipsize(shown, piece, inner - 2 * PAD_X);
            String idText = t.id() + (byteLength != null && byteLength[i] >= 0 ? " · " + byteLength[i] + " B" : "");
            double chipW = Math.max(TextMeasure.width(shown, piece), TextMeasure.width(idText, id)) + 2 * PAD_X;
            if (x + chipW > m + inner && x > m) {
                x = m;
                y += chipH + GAP_Y;
                rows++;
            }
            String tip = "token " + i + " · id " + t.id() + "\n" + Tooltips.quoted(t.text())
                    + (t.partial() ? " (part of a character)" : "")
                    + (byteLength != null && byteLength[i] >= 0 ? " · " + byteLength[i] + (byteLength[i] == 1 ? " byte" : " bytes") : "")
                    + "\ncharacters " + t.start() + "–" + t.end();
            sheet.beginItem("chip-" + i, tip);
            sheet.fillRect(x, y, chipW, chipH, Theme.CHIP);
            if (t.partial()) {
                sheet.strokeRect(x + 1, y + 1, chipW - 2, chipH - 2, Theme.SERIES_B, 2);
            } else {
                sheet.strokeRect(x + 0.5, y + 0.5, chipW - 1, chipH - 1, Theme.CHIP_EDGE, 1);
            }
            double cx = x + chipW / 2;
            sheet.text(shown, cx, y + PAD_Y + TextMeasure.ascent(piece), piece, Theme.INK, Anchor.MIDDLE);
            sheet.text(idText, cx, y + PAD_Y + TextMeasure.lineHeight(piece) + TextMeasure.ascent(id), id, Theme.MUTED,
                    Anchor.MIDDLE);
            sheet.endItem();
            sheet.item("chip", i, x, y, chipW, chipH, tip);
            x += chipW + GAP_X;
        }
        double h = y + (tokens.isEmpty() ? 0 : chipH) + m;
        Map<String, String> md = HeatmapFigure.metadata(metadata, "tokens", options, null);
        return new TokensFigure(w, h, title, sheet, md, rows);
    }

    /** How many rows of chips there are. */
    public int rows() {
        return rows;
    }
}
