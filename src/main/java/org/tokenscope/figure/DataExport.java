package org.tokenscope.figure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tokenscope.analysis.Alternative;
import org.tokenscope.analysis.AttentionGrid;
import org.tokenscope.analysis.AttentionMap;
import org.tokenscope.analysis.BranchTree;
import org.tokenscope.analysis.LogitLens;
import org.tokenscope.analysis.PairScore;
import org.tokenscope.analysis.PairScores;
import org.tokenscope.analysis.ScoredText;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.generate.BeamTree;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;

/**
 * What a figure shows, as data: tables of per-token scores (one model or two), top-k alternatives,
 * tokens and generation steps, written as CSV (RFC 4180), JSON (with the export's metadata) or a
 * LaTeX booktabs {@code tabular} as pandas' {@code DataFrame.to_latex(index=False)} prints it.
 */
public final class DataExport {

    /** A data format. */
    public enum Format {
        CSV, JSON, TEX;

        public String extension() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Format parse(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "csv" -> CSV;
                case "json" -> JSON;
                case "tex", "latex" -> TEX;
                default -> throw new IllegalArgumentException("Unknown data format '" + name + "': use csv, json or tex.");
            };
        }
    }

    /**
     * A table: named columns and rows of values (String, Integer, Long, Double, Boolean, or null for none).
     *
     * @param name what it holds ("token_scores", "top_k", "tokens", "steps")
     */
    public record Table(String name, List<String> columns, List<List<Object>> rows) {
        public Table {
            Objects.requireNonNull(name, "name");
            columns = List.copyOf(columns);
            List<List<Object>> copy = new ArrayList<>(rows.size());
            for (List<Object> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException("A row has " + row.size() + " values for " + columns.size() + " columns.");
                }
                copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
            }
            rows = java.util.Collections.unmodifiableList(copy);
        }

        /** The values of one column, top to bottom. */
        public List<Object> column(String column) {
            int c = columns.indexOf(column);
            if (c < 0) throw new IllegalArgumentException("No column " + column + " in " + columns + ".");
            return rows.stream().map(r -> r.get(c)).toList();
        }
    }

    private DataExport() {
    }

    // ---- tables ---------------------------------------------------------------------------------

    /**
     * Every token's scores under one model, or two ({@code b} may be null): index, id, token, start, end,
     * partial, then logprob, prob, rank, entropy and surprisal, suffixed {@code _a}/{@code _b} with two
     * models, and {@code logprob_diff} = logprob_b − logprob_a. B's tokens are paired by their characters.
     */
    public static Table tokenScores(ScoredText a, ScoredText b) {
        List<String> columns = new ArrayList<>(List.of("index", "id", "token", "start", "end", "partial"));
        String[] scores = {"logprob", "prob", "rank", "entropy", "surprisal"};
        for (String s : scores) columns.add(b == null ? s : s + "_a");
        if (b != null) {
            for (String s : scores) columns.add(s + "_b");
            columns.add("logprob_diff");
        }
        List<TokenScore> paired = b == null ? null : Pairing.of(a.tokens(), b.tokens());
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < a.tokens().size(); i++) {
            TokenScore t = a.tokens().get(i);
            List<Object> row = new ArrayList<>(Arrays.asList(t.index(), id(t.id()), t.text(), t.start(), t.end(), t.partial()));
            addScores(row, t);
            if (b != null) {
                TokenScore tb = paired.get(i);
                addScores(row, tb);
                row.add(CompareHeatmapFigure.diff(t, tb));
            }
            rows.add(row);
        }
        return new Table("token_scores", columns, rows);
    }

    /**
     * A pair classifier's verdicts, in the order given: index (in the input, from 1), premise,
     * hypothesis, one column per label with its score, top, tokens and truncated.
     */
    public static Table pairs(PairScores scores, List<PairScore> order) {
        List<String> columns = new ArrayList<>(List.of("index", "premise", "hypothesis"));
        columns.addAll(scores.labels());
        columns.addAll(List.of("top", "tokens", "truncated"));
        List<List<Object>> rows = new ArrayList<>();
        for (PairScore p : order) {
            List<Object> row = new ArrayList<>(List.of(scores.pairs().indexOf(p) + 1, p.pair().premise(), p.pair().hypothesis()));
            for (String label : scores.labels()) {
                row.add(p.score(label));
            }
            row.add(p.top());
            row.add(p.tokens());
            row.add(p.truncated());
            rows.add(row);
        }
        return new Table("pairs", columns, rows);
    }

    /** The alternatives at one position, best first: rank, id, token, logprob, prob, and whether it came next. */
    public static Table topK(List<Alternative> alternatives, Integer actualId) {
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < alternatives.size(); r++) {
            Alternative a = alternatives.get(r);
            rows.add(Arrays.asList(r + 1, id(a.id()), a.text(), a.logprob(), Math.exp(a.logprob()),
                    actualId != null && actualId == a.id()));
        }
        return new Table("top_k", List.of("rank", "id", "token", "logprob", "prob", "actual"), rows);
    }

    /** The tokenization: index, id, token, start, end, partial, and bytes when {@code byteLength} is given. */
    public static Table tokens(List<TokenScore> tokens, int[] byteLength) {
        List<String> columns = new ArrayList<>(List.of("index", "id", "token", "start", "end", "partial"));
        if (byteLength != null) columns.add("bytes");
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            TokenScore t = tokens.get(i);
            List<Object> row = new ArrayList<>(Arrays.asList(t.index(), id(t.id()), t.text(), t.start(), t.end(), t.partial()));
            if (byteLength != null) row.add(byteLength[i] >= 0 ? byteLength[i] : null); // -1: not known
            rows.add(row);
        }
        return new Table("tokens", columns, rows);
    }

    /**
     * A generated sequence's steps: step (from 1), id, token, logprob, prob, rank, entropy,
     * sample_prob (sampling only) and processed_logprob.
     */
    public static Table steps(Sequence sequence) {
        List<List<Object>> rows = new ArrayList<>();
        for (Step s : sequence.steps()) {
            rows.add(Arrays.asList(s.index() + 1, id(s.id()), s.text(), s.logprob(), s.prob(), s.rank(), s.entropy(),
                    s.sampleProb(), s.processedLogprob()));
        }
        return new Table("steps", List.of("step", "id", "token", "logprob", "prob", "rank", "entropy", "sample_prob",
                "processed_logprob"), rows);
    }

    /**
     * Every candidate of a beam search, one row per node in the tree's order (a row's position is its
     * node index): step (from 0), parent (a node index, null under the prompt), id, text, logprob (the
     * transition score), score (running sum; finished: sum / length^length_penalty), kept (on the path of
     * a returned beam) and finished (entered the finished hypotheses).
     */
    public static Table beamTree(BeamTree tree) {
        java.util.BitSet kept = tree.keptSet();
        List<List<Object>> rows = new ArrayList<>();
        for (BeamTree.Node n : tree.nodes()) {
            rows.add(Arrays.asList(n.step(), n.parent() < 0 ? null : n.parent(), n.token(), n.text(), n.logprob(),
                    tree.rankedScore(n), kept.get(n.index()), n.fate() == BeamTree.Fate.FINISHED));
        }
        return new Table("beam_tree", List.of("step", "parent", "id", "text", "logprob", "score", "kept", "finished"),
                rows);
    }

    /**
     * What-if branches, one row per node in the tree's order: node, parent (null under the prefix), position
     * (the token's index in the text it would have), id, text, logprob (given the path to it), original
     * (the text's own token), path_logprob and path_perplexity (of the path from the fork down to it) and
     * path_text where a path ends there.
     */
    public static Table branches(BranchTree tree) {
        List<List<Object>> rows = new ArrayList<>();
        for (BranchTree.Node n : tree.nodes()) {
            rows.add(Arrays.asList(n.index(), n.parent() < 0 ? null : n.parent(), tree.position() + n.depth(), n.id(),
                    n.text(), n.logprob(), n.original(), tree.jointLogprob(n.index()), tree.perplexity(n.index()),
                    n.pathText()));
        }
        return new Table("branches", List.of("node", "parent", "position", "id", "text", "logprob", "original",
                "path_logprob", "path_perplexity", "path_text"), rows);
    }

    /** A table's rows as maps from column to value, non-finite numbers as null (JSON has none). */
    public static List<Map<String, Object>> rowMaps(Table table) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int c = 0; c < row.size(); c++) {
                Object v = row.get(c);
                m.put(table.columns().get(c), v instanceof Double d && !Double.isFinite(d) ? null : v);
            }
            rows.add(m);
        }
        return rows;
    }

    /**
     * One layer's attention (one head, or the mean of heads: head null): layer, head, query, query_token, key,
     * key_token and weight, for every key up to each query (the weights above the diagonal are all zero).
     */
    /** An attribution: one row per token before the target (index, id, token, score). */
    public static Table attribution(org.tokenscope.analysis.Attribution a) {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < a.scores().length; i++) {
            TokenScore t = a.tokens().get(i);
            rows.add(Arrays.asList(i, t.id(), t.text(), a.scores()[i]));
        }
        return new Table("attribution", List.of("index", "id", "token", "score"), rows);
    }

    /** An ablation: every token's log-probability whole and ablated. */
    public static Table ablation(org.tokenscope.analysis.Ablation a) {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < a.tokens().size(); i++) {
            TokenScore t = a.tokens().get(i);
            rows.add(Arrays.asList(i, t.id(), t.text(), a.logprob()[i], a.logprobAblated()[i]));
        }
        return new Table("ablation", List.of("index", "id", "token", "logprob", "logprob_ablated"), rows);
    }

    public static Table attention(AttentionMap map) {
        List<List<Object>> rows = new ArrayList<>();
        for (int q = 0; q < map.size(); q++) {
            for (int k = 0; k <= q; k++) {
                rows.add(Arrays.asList(map.layer(), map.head(), q, map.tokens().get(q).text(), k,
                        map.tokens().get(k).text(), f32(map.weights()[q][k])));
            }
        }
        return new Table("attention", List.of("layer", "head", "query", "query_token", "key", "key_token", "weight"), rows);
    }

    /**
     * Every head at a glance: layer, head, and the mean weight a token gives the token before it, the first
     * token and itself.
     */
    public static Table attentionGrid(AttentionGrid grid) {
        List<List<Object>> rows = new ArrayList<>();
        for (int l = 0; l < grid.layers(); l++) {
            for (int h = 0; h < grid.heads(); h++) {
                AttentionGrid.Head c = grid.cell(l, h);
                rows.add(Arrays.asList(l, h, c.toPrevious(), c.toFirst(), c.toSelf()));
            }
        }
        return new Table("attention_heads", List.of("layer", "head", "to_previous", "to_first", "to_self"), rows);
    }

    /**
     * The logit lens at one position: for each level (0 the embeddings, {@code l + 1} the output of block
     * {@code l}, which is {@code layer}; layer is empty for the embeddings) its predictions, best first:
     * rank, id, token, logprob, prob, whether it came next; then the rank and log-probability of the token
     * that came next there (empty at the end of the text).
     */
    public static Table lens(LogitLens lens, int position) {
        List<List<Object>> rows = new ArrayList<>();
        TokenScore next = lens.next(position);
        for (int level = 0; level < lens.levels(); level++) {
            List<Alternative> top = lens.top(level, position);
            Integer nextRank = lens.nextRank(level, position);
            Double nextLogprob = next == null ? null : f32(lens.logprob()[level][position]);
            for (int r = 0; r < top.size(); r++) {
                Alternative a = top.get(r);
                rows.add(Arrays.asList(level, level == 0 ? null : level - 1, position, r + 1, a.id(), a.text(), a.logprob(),
                        Math.exp(a.logprob()), next != null && next.id() == a.id(), nextRank, nextLogprob));
            }
        }
        return new Table("logit_lens", List.of("level", "layer", "position", "rank", "id", "token", "logprob", "prob",
                "next", "next_rank", "next_logprob"), rows);
    }

    /**
     * The logit lens over the whole text: for each level and position, the token there, the token that came
     * next with its rank and log-probability (empty at the end), and that level's top prediction.
     */
    public static Table lensRanks(LogitLens lens) {
        List<List<Object>> rows = new ArrayList<>();
        for (int level = 0; level < lens.levels(); level++) {
            for (int t = 0; t < lens.positions(); t++) {
                TokenScore next = lens.next(t);
                List<Alternative> top = lens.top(level, t);
                rows.add(Arrays.asList(level, level == 0 ? null : level - 1, t, lens.tokens().get(t).text(),
                        next == null ? null : next.id(), next == null ? null : next.text(), lens.nextRank(level, t),
                        next == null ? null : f32(lens.logprob()[level][t]),
                        top.isEmpty() ? null : top.get(0).text(), top.isEmpty() ? null : top.get(0).logprob()));
            }
        }
        return new Table("logit_lens_ranks", List.of("level", "layer", "position", "token", "next_id", "next_token",
                "next_rank", "next_logprob", "top_token", "top_logprob"), rows);
    }

    /** A float as the double that prints as it does (0.1f as 0.1, not 0.10000000149011612). */
    /** A token id, or null (an empty cell) where it is not known: a remote server that names tokens only by text. */
    private static Integer id(int id) {
        return id >= 0 ? id : null;
    }

    private static double f32(float f) {
        return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f;
    }

    private static void addScores(List<Object> row, TokenScore t) {
        boolean scored = t != null && t.isScored();
        row.add(scored ? t.logprob() : null);
        row.add(scored ? t.prob() : null);
        row.add(scored ? t.rank() : null);
        row.add(scored ? t.entropy() : null);
        row.add(scored ? -t.logprob() : null);
    }

    // ---- formats --------------------------------------------------------------------------------

    /** The table in {@code format}; JSON carries {@code metadata}. */
    public static String write(Table table, Format format, ExportMetadata metadata) {
        return switch (format) {
            case CSV -> csv(table);
            case JSON -> json(table, metadata);
            case TEX -> latex(table);
        };
    }

    /**
     * RFC 4180 CSV: a header line, CRLF line ends, fields quoted when they hold a comma, a quote, a line
     * break or leading or trailing space, quotes doubled. Numbers read back to the same double; none is empty.
     */
    public static String csv(Table table) {
        StringBuilder sb = new StringBuilder();
        csvLine(sb, new ArrayList<>(table.columns()));
        for (List<Object> row : table.rows()) csvLine(sb, row);
        return sb.toString();
    }

    private static void csvLine(StringBuilder sb, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(csvField(values.get(i)));
        }
        sb.append("\r\n");
    }

    static String csvField(Object v) {
        String s = plain(v);
        boolean quote = s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                || !s.equals(s.strip());
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** JSON: {@code {"metadata": {...}, "table": name, "columns": [...], "rows": [{column: value}...]}}. */
    public static String json(Table table, ExportMetadata metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("metadata", metadata.toMap());
        root.put("table", table.name());
        root.put("columns", table.columns());
        root.put("rows", rowMaps(table));
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A booktabs {@code tabular} as pandas' {@code to_latex(index=False)} prints it: numeric columns
     * right-aligned, text left-aligned, floats with 6 decimals, missing values as NaN, LaTeX's special
     * characters escaped; spaces in token columns as {@code \textvisiblespace}.
     */
    public static String latex(Table table) {
        int n = table.columns().size();
        StringBuilder align = new StringBuilder();
        for (int c = 0; c < n; c++) {
            final int col = c;
            boolean numeric = table.rows().stream().map(r -> r.get(col)).filter(Objects::nonNull)
                    .allMatch(v -> v instanceof Number);
            align.append(numeric ? 'r' : 'l');
        }
        StringBuilder sb = new StringBuilder();
        sb.append("\\begin{tabular}{").append(align).append("}\n\\toprule\n");
        List<String> header = new ArrayList<>();
        for (String c : table.columns()) header.add(latexEscape(c, false));
        sb.append(String.join(" & ", header)).append(" \\\\\n\\midrule\n");
        for (List<Object> row : table.rows()) {
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                String column = table.columns().get(c);
                cells.add(latexCell(row.get(c), column.startsWith("token") || column.endsWith("_token")));
            }
            sb.append(String.join(" & ", cells)).append(" \\\\\n");
        }
        sb.append("\\bottomrule\n\\end{tabular}\n");
        return sb.toString();
    }

    private static String latexCell(Object v, boolean token) {
        if (v == null) return "NaN";
        if (v instanceof Double d) {
            if (d.isNaN()) return "NaN";
            if (d.isInfinite()) return d > 0 ? "inf" : "-inf";
            return String.format(Locale.ROOT, "%.6f", d);
        }
        if (v instanceof Boolean b) return b ? "True" : "False";
        return latexEscape(v.toString(), token);
    }

    /**
     * {@code s} with LaTeX's special characters escaped as pandas does: {@code \ & % $ # _ { } ~ ^}.
     * With {@code visible}, spaces become {@code \textvisiblespace{}}; line breaks and tabs are always
     * written as {@code \n} and {@code \t}, since a table row cannot hold them.
     */
    public static String latexEscape(String s, boolean visible) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '\\' -> sb.append("\\textbackslash{}");
                case '&' -> sb.append("\\&");
                case '%' -> sb.append("\\%");
                case '$' -> sb.append("\\$");
                case '#' -> sb.append("\\#");
                case '_' -> sb.append("\\_");
                case '{' -> sb.append("\\{");
                case '}' -> sb.append("\\}");
                case '~' -> sb.append("\\textasciitilde{}");
                case '^' -> sb.append("\\textasciicircum{}");
                case '\n' -> sb.append("\\textbackslash{}n");
                case '\r' -> sb.append("\\textbackslash{}r");
                case '\t' -> sb.append("\\textbackslash{}t");
                case ' ' -> sb.append(visible ? "\\textvisiblespace{}" : " ");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) sb.append(String.format("\\textbackslash{}x%02X", cp));
                    else sb.appendCodePoint(cp);
                }
            }
        }
        return sb.toString();
    }

    private static String plain(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return Glyphs.plain(d);
        if (v instanceof Float f) return Glyphs.plain(f);
        return v.toString();
    }
}
