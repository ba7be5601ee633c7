package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BranchTreeTest {

    static BranchTree.Token t(int id, double lp) {
        return new BranchTree.Token(id, "t" + id, lp);
    }

    @Test
    void pathsShareTheirCommonTokensAndScoreAsTheirSums() {
        BranchTree tree = BranchTree.empty("prefix", 7);
        BranchTree.Added first = tree.withPath(-1, List.of(t(1, -1), t(2, -2), t(3, -3)), "t1t2t3", true);
        tree = first.tree();
        assertThat(first.leaf()).isEqualTo(2);
        // the same first two tokens, then another: shares nodes 0 and 1
        BranchTree.Added second = tree.withPath(-1, List.of(t(1, -1), t(2, -2), t(4, -0.5)), "t1t2t4", false);
        tree = second.tree();
        assertThat(tree.nodes()).hasSize(4);
        assertThat(tree.nodes().get(3).parent()).isEqualTo(1);
        assertThat(tree.nodes().get(3).depth()).isEqualTo(2);
        // a fork under node 0
        BranchTree.Added third = tree.withPath(0, List.of(t(5, -4), t(6, -1)), "t5t6", false);
        tree = third.tree();
        assertThat(tree.leaves()).containsExactly(2, 3, 5);
        assertThat(tree.pathIds(5)).containsExactly(1, 5, 6);
        assertThat(tree.textTo(5)).isEqualTo("t1t5t6");
        assertThat(tree.jointLogprob(3)).isCloseTo(-3.5, within(1e-12));
        assertThat(tree.perplexity(3)).isCloseTo(Math.exp(3.5 / 3), within(1e-12));
        assertThat(tree.isOriginal(2)).isTrue();
        assertThat(tree.isOriginal(3)).isFalse();
        assertThat(tree.position()).isEqualTo(7);
        assertThatThrownBy(() -> BranchTree.empty("p", 0).withPath(3, List.of(t(1, 0)), "x", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BranchTree.empty("p", 0).withPath(-1, List.of(), "", false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
