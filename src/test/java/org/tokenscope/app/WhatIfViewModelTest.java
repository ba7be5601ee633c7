package org.tokenscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.BranchTree;
import org.tokenscope.analysis.TokenScore;
import org.tokenscope.generate.GenerationRequest;
import org.tokenscope.generate.GenerationResult;
import org.tokenscope.generate.Generator;
import org.tokenscope.service.LocalBackend;
import org.tokenscope.service.ModelRequest;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.TinyGpt2;

/** The What if tab's view-model on a same-thread runner with a real tiny checkpoint. */
class WhatIfViewModelTest {

    static final String TEXT = "The quick brown fox jumps over the lazy dog.";

    @TempDir
    static Path dir;
    static Path tiny;

    final DirectRunner runner = new DirectRunner();
    final MainViewModel main = new MainViewModel(runner);
    final WhatIfViewModel whatIf = new WhatIfViewModel(main, runner);

    @BeforeAll
    static void write() throws Exception {
        tiny = CheckpointWriter.write(TinyGpt2.random(3, 2, 4, 32, 64, 50257), dir.resolve("tiny"));
    }

    @AfterEach
    void close() {
        main.shutdown();
    }

    @Test
    void forksJoinOneTreeAndAPathLoadsIntoTheText() {
        main.compareProperty().set(false);
        main.textProperty().set(TEXT);
        main.loadModel(main.slotA(), ModelRequest.named(tiny.toString()));
        var analysis = main.analysisProperty().get();
        assertThat(analysis).isNotNull();
        whatIf.settingsProperty().set(new WhatIfViewModel.Settings(false, 4, 1.0, 0));

        main.selectedProperty().set(3); // " fox"
        assertThat(whatIf.forkPointProperty().get().textToken()).isEqualTo(3);
        TokenScore fox = analysis.a().tokens().get(3);
        assertThat(whatIf.alternatives()).isEqualTo(fox.top());
        String alternative = whatIf.alternatives().get(0).id() == fox.id()
                ? whatIf.alternatives().get(1).text() : whatIf.alternatives().get(0).text();
        whatIf.fork(alternative);
        BranchTree tree = whatIf.treeProperty().get();
        assertThat(tree).as(whatIf.statusProperty().get()).isNotNull();
        assertThat(tree.prefix()).isEqualTo("The quick brown");
        assertThat(tree.leaves()).hasSize(2); // the text's own path and the branch
        int original = tree.leaves().get(0);
        int branch = tree.leaves().get(1);
        assertThat(tree.isOriginal(original)).isTrue();
        assertThat(tree.path(original)).hasSize(5); // the fork's token and 4 after it
        assertThat(tree.path(original).get(0).logprob()).isEqualTo(fox.logprob());
        assertThat(whatIf.firstProperty().get()).isEqualTo(branch);
        assertThat(whatIf.secondProperty().get()).isEqualTo(original);

        // the branch is generate's from the edited prefix, after the start token as the text is scored
        int[] ids = analysis.a().tokens().stream().mapToInt(TokenScore::id).toArray();
        int[] path = tree.pathIds(branch);
        LocalBackend backend = (LocalBackend) main.slotA().backend();
        int[] prompt = {backend.decoder().endOfTextId(), ids[0], ids[1], ids[2], path[0]};
        GenerationResult want = new Generator(backend.decoder()).generate(GenerationRequest.builder().setPrompt(prompt)
                .setMaxNewTokens(4).build());
        assertThat(Arrays.copyOfRange(path, 1, path.length)).containsExactly(want.best().ids());

        // a fork on a node of the branch joins the same tree, under that node's parent
        int second = tree.path(branch).get(2).index();
        whatIf.chooseNode(second);
        assertThat(whatIf.alternatives()).isNotEmpty();
        int before = tree.nodes().size();
        String other = whatIf.alternatives().get(0).id() == tree.nodes().get(second).id()
                ? whatIf.alternatives().get(1).text() : whatIf.alternatives().get(0).text();
        whatIf.fork(other);
        BranchTree grown = whatIf.treeProperty().get();
        assertThat(grown.leaves()).hasSize(3);
        int leaf = whatIf.firstProperty().get();
        assertThat(grown.nodes().size()).isGreaterThan(before);
        assertThat(grown.path(leaf).get(1).index()).isEqualTo(tree.path(branch).get(1).index()); // shares the first two
        assertThat(grown.jointLogprob(leaf)).isCloseTo(grown.path(leaf).stream().mapToDouble(BranchTree.Node::logprob).sum(),
                within(1e-12));

        // load a path: the text becomes the prefix and the path, and is analysed again
        whatIf.load(leaf);
        assertThat(main.textProperty().get()).isEqualTo("The quick brown" + grown.textTo(leaf));
        main.analyse();
        int[] loaded = main.analysisProperty().get().a().tokens().stream().mapToInt(TokenScore::id).toArray();
        assertThat(loaded).startsWith(Arrays.copyOf(ids, 3));

        // a token that is not one token says so and changes nothing
        whatIf.fork("two words");
        assertThat(whatIf.statusProperty().get()).contains("not one");
        assertThat(whatIf.treeProperty().get()).isSameAs(grown);
        whatIf.clear();
        assertThat(whatIf.treeProperty().get()).isNull();
        assertThat(List.of(whatIf.firstProperty().get(), whatIf.secondProperty().get())).containsExactly(-1, -1);
    }
}
