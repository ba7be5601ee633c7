package org.tokenscope.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsTest {

    @Test
    void shortTextWithBosIsOneWindowScoringEveryToken() {
        WindowPlan plan = Windows.plan(5, true, 1024);
        assertThat(plan.windows()).containsExactly(new Window(true, 0, 5, 0, 5));
        assertThat(plan.sliding()).isFalse();
        Window w = plan.windows().get(0);
        assertThat(w.length()).isEqualTo(6);
        assertThat(w.logitRow(0)).isZero(); // predicted from <|endoftext|>
        assertThat(w.logitRow(4)).isEqualTo(4);
    }

    @Test
    void shortTextWithoutBosLeavesTheFirstTokenUnscored() {
        WindowPlan plan = Windows.plan(5, false, 1024);
        assertThat(plan.windows()).containsExactly(new Window(false, 0, 5, 1, 5));
        assertThat(plan.isScored(0)).isFalse();
        assertThat(plan.firstScored()).isEqualTo(1);
        assertThat(plan.windows().get(0).logitRow(1)).isZero();
        assertThatThrownBy(() -> plan.windowFor(0)).hasMessageContaining("no context without BOS");
    }

    @Test
    void emptyAndOneTokenTexts() {
        assertThat(Windows.plan(0, true, 8).windows()).isEmpty();
        assertThat(Windows.plan(0, false, 8).windows()).isEmpty();
        assertThat(Windows.plan(1, false, 8).windows()).isEmpty();
        assertThat(Windows.plan(1, true, 8).windows()).containsExactly(new Window(true, 0, 1, 0, 1));
    }

    @Test
    void handWorkedSlidingWithoutBos() {
        // seq = text, N = 10, C = 4, S = 2
        List<Window> w = Windows.plan(10, false, 4, 2).windows();
        assertThat(w).containsExactly(
                new Window(false, 0, 4, 1, 4),
                new Window(false, 2, 6, 4, 6),
                new Window(false, 4, 8, 6, 8),
                new Window(false, 6, 10, 8, 10));
    }

    @Test
    void handWorkedSlidingWithBos() {
        // seq = [BOS] + text, N = 10, C = 4, S = 3: the first window holds BOS + 3 text tokens
        List<Window> w = Windows.plan(9, true, 4, 3).windows();
        assertThat(w).containsExactly(
                new Window(true, 0, 3, 0, 3),
                new Window(false, 2, 6, 3, 6),
                new Window(false, 5, 9, 6, 9));
        assertThat(w.get(1).logitRow(3)).isZero();
        assertThat(w.get(2).contextOf(6)).isEqualTo(1);
    }

    @Test
    void lastWindowIsShiftedLeftToFullLength() {
        // N = 11, C = 4, S = 2: the last window scores one token, with 3 positions of context
        List<Window> w = Windows.plan(11, false, 4, 2).windows();
        assertThat(w.get(w.size() - 1)).isEqualTo(new Window(false, 7, 11, 10, 11));
        assertThat(w.get(w.size() - 1).contextOf(10)).isEqualTo(3);
    }

    @Test
    void strideOfTheWholeContextActsAsContextMinusOne() {
        WindowPlan plan = Windows.plan(10, false, 4, 4);
        assertThat(plan.newTokensPerWindow()).isEqualTo(3);
        assertThat(plan.windows()).containsExactly(
                new Window(false, 0, 4, 1, 4),
                new Window(false, 3, 7, 4, 7),
                new Window(false, 6, 10, 7, 10));
    }

    @Test
    void defaultStrideIsHalfTheContext() {
        assertThat(Windows.plan(5000, true, 1024).stride()).isEqualTo(512);
        assertThat(Windows.defaultStride(2)).isEqualTo(1);
        assertThat(Windows.defaultStride(3)).isEqualTo(1);
    }

    @Test
    void everyTokenIsScoredExactlyOnceWithinTheContext() {
        for (boolean bos : new boolean[] {true, false}) {
            for (int context = 2; context <= 9; context++) {
                for (int stride = 1; stride <= context; stride++) {
                    for (int n = 0; n <= 40; n++) {
                        check(Windows.plan(n, bos, context, stride));
                    }
                }
            }
        }
        check(Windows.plan(100_000, true, 1024, 512));
        check(Windows.plan(100_000, false, 1024, 1));
    }

    private static void check(WindowPlan plan) {
        int n = plan.tokens();
        int context = plan.context();
        int step = Math.min(plan.stride(), context - 1);
        int[] count = new int[n];
        int previousEnd = -1;
        for (int i = 0; i < plan.windows().size(); i++) {
            Window w = plan.windows().get(i);
            assertThat(w.length()).as("%s in %s", w, plan).isLessThanOrEqualTo(context);
            assertThat(w.bos()).isEqualTo(plan.bos() && i == 0);
            assertThat(w.scoredCount()).isPositive();
            assertThat(w.scoreFrom()).isGreaterThan(previousEnd - 1);
            previousEnd = w.scoreTo();
            if (i > 0) {
                assertThat(w.length()).isEqualTo(context); // later windows are always full
                assertThat(w.scoredCount()).isLessThanOrEqualTo(step);
            }
            for (int t = w.scoreFrom(); t < w.scoreTo(); t++) {
                count[t]++;
                int row = w.logitRow(t);
                assertThat(row).isBetween(0, w.length() - 1);
                // as much context as the window allows: everything before t in the window
                assertThat(w.contextOf(t)).isEqualTo(t - w.start() + (w.bos() ? 1 : 0));
                if (i > 0) assertThat(w.contextOf(t)).isGreaterThanOrEqualTo(context - step);
                else assertThat(w.contextOf(t)).isEqualTo(t + (plan.bos() ? 1 : 0));
            }
        }
        for (int t = 0; t < n; t++) {
            assertThat(count[t]).as("token %d of %s", t, plan).isEqualTo(plan.isScored(t) ? 1 : 0);
        }
        if (n > 0) assertThat(count[0]).isEqualTo(plan.bos() ? 1 : 0);
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> Windows.plan(10, true, 8, 0)).hasMessageContaining("between 1 and the context");
        assertThatThrownBy(() -> Windows.plan(10, true, 8, 9)).hasMessageContaining("between 1 and the context");
        assertThatThrownBy(() -> Windows.plan(10, true, 1, 1)).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> Windows.plan(-1, true, 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
