package org.tokenscope.figure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tokenscope.analysis.BranchTree;
import org.tokenscope.generate.BeamSearch;
import org.tokenscope.generate.BeamTree;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Sequence;
import org.tokenscope.generate.Step;
import org.tokenscope.generate.StopReason;

/** The beam and branch trees draw on every target, one item per node, the chosen paths marked. */
class TreeFigureTest {

    /** Two steps of 2 beams: step 0 keeps "a" and "b", step 1 finishes "a c" and "b d", prunes the rest. */
    static GenerationResult beams() {
        List<BeamTree.Node> nodes = new ArrayList<>();
        nodes.add(new BeamTree.Node(0, -1, 0, 1, "a", -0.5, -0.5, BeamTree.Fate.CONTINUED));
        nodes.add(new BeamTree.Node(1, -1, 0, 2, "b", -0.9, -0.9, BeamTree.Fate.CONTINUED));
        nodes.add(new BeamTree.Node(2, -1, 0, 3, " third", -2.0, -2.0, BeamTree.Fate.DROPPED));
        nodes.add(new BeamTree.Node(3, 0, 1, 4, "c", -0.1, -0.6, BeamTree.Fate.FINISHED));
        nodes.add(new BeamTree.Node(4, 1, 1, 5, "d", -0.2, -1.1, BeamTree.Fate.FINISHED));
        nodes.add(new BeamTree.Node(5, 0, 1, 6, "e", -3.0, -3.5, BeamTree.Fate.DROPPED));
        BeamTree tree = new BeamTree(nodes, List.of(3, 4), 1.0);
        return new GenerationResult(new int[] {0}, BeamSearch.of(2), List.of(sequence(new int[] {1, 4}, -0.3),
                sequence(new int[] {2, 5}, -0.55)), false, tree);
    }

    static Sequence sequence(int[] ids, double score) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) steps.add(new Step(i, ids[i], "t" + ids[i], -0.1, null, 1, 1.0, List.of(), -0.1));
        return new Sequence(ids, "text", score, steps, StopReason.MAX_NEW_TOKENS);
    }

    static BranchTree branches() {
        BranchTree t = BranchTree.empty("The quick brown", 3);
        t = t.withPath(-1, List.of(new BranchTree.Token(21831, " fox", -3.0), new BranchTree.Token(18045, " jumps", -2.0)),
                " fox jumps", true).tree();
        t = t.withPath(-1, List.of(new BranchTree.Token(3797, " cat", -4.0), new BranchTree.Token(3332, " sat", -1.0)),
                " cat sat", false).tree();
        t = t.withPath(0, List.of(new BranchTree.Token(10718, " ran", -2.5)), " ran", false).tree();
        return t;
    }

    @Test
    void bothTreesDrawEverywhereWithAnItemPerNode() throws Exception {
        GenerationResult r = beams();
        BranchTree b = branches();
        List<Integer> leaves = b.leaves();
        Map<String, Figure> f = new LinkedHashMap<>();
        f.put("beams", TreeFigure.beams("The prompt", "tiny", r, FigureOptions.DEFAULT, ExportMetadata.NONE));
        f.put("beams narrow", TreeFigure.beams("", "tiny", r, FigureOptions.DEFAULT.withWidth(FigureOptions.MIN_WIDTH),
                ExportMetadata.NONE));
        f.put("branches", TreeFigure.branches(b, "tiny", leaves.get(1), leaves.get(2), FigureOptions.DEFAULT,
                ExportMetadata.NONE));
        f.put("branches none chosen", TreeFigure.branches(b, "tiny", -1, -1, FigureOptions.DEFAULT, ExportMetadata.NONE));
        f.put("branches empty", TreeFigure.branches(BranchTree.empty("x", 0), "tiny", -1, -1, FigureOptions.DEFAULT,
                ExportMetadata.NONE));
        FigureEdgeCasesTest.drawEverywhere(f);

        Figure beamsFigure = f.get("beams");
        assertThat(beamsFigure.items().stream().filter(i -> i.kind().equals("node")).count()).isEqualTo(6);
        long onBeams = beamsFigure.items().stream().filter(i -> i.tooltip().contains("on a returned beam")).count();
        assertThat(onBeams).isEqualTo(r.beamTree().keptSet().cardinality()).isEqualTo(4);
        assertThat(beamsFigure.items().stream().filter(i -> i.tooltip().contains("pruned")).count()).isEqualTo(2);
        String svg = SvgPainter.render(beamsFigure, false);
        assertThat(svg).contains("Beam search").contains("2 beams");

        Figure branchFigure = f.get("branches");
        assertThat(branchFigure.items().stream().filter(i -> i.kind().equals("node")).count()).isEqualTo(b.nodes().size());
        List<Figure.Item> paths = branchFigure.items().stream().filter(i -> i.kind().equals("path")).toList();
        assertThat(paths).extracting(Figure.Item::index).containsExactlyElementsOf(leaves);
        assertThat(paths.get(1).tooltip()).startsWith("A branch:").contains("joint log p −5.000");
        assertThat(paths.get(2).tooltip()).startsWith("B branch:");
        assertThat(paths.get(0).tooltip()).startsWith("the text:").contains("perplexity " + Glyphs.perplexity(Math.exp(2.5)));
    }

    @Test
    void theBeamTreeTableIsTheCommandLinesTree() {
        DataExport.Table t = DataExport.beamTree(beams().beamTree());
        assertThat(t.columns()).containsExactly("step", "parent", "id", "text", "logprob", "score", "kept", "finished");
        assertThat(t.column("kept")).containsExactly(true, true, false, true, true, false);
        assertThat(t.column("score").get(3)).isEqualTo(-0.6 / 2); // finished: Σ / 2^1
        assertThat(t.column("parent").get(0)).isNull();
        DataExport.Table b = DataExport.branches(branches());
        assertThat(b.column("position")).containsExactly(3, 4, 3, 4, 4);
        assertThat(b.column("path_text")).containsExactly(null, " fox jumps", null, " cat sat", " fox ran");
    }
}
