package org.tokenscope.model.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link Rows#split}: every row run once, in chunks that shrink, a chunk's failure reaching the caller. */
class RowsTest {

    private static final int COLS = 1 << 16; // enough weights a row that every split is handed out

    @Test
    void everyRowIsRunExactlyOnce() {
        for (int rows : new int[] {2, 3, 7, 31, 32, 33, 100, 769, 3072, 50257}) {
            for (int repeat = 0; repeat < 20; repeat++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(rows);
                Rows.split(rows, COLS, (from, to) -> {
                    for (int r = from; r < to; r++) runs.incrementAndGet(r);
                });
                for (int r = 0; r < rows; r++) {
                    assertThat(runs.get(r)).as("row %d of %d", r, rows).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void chunksShrinkAsTheRowsRunOut() {
        int rows = 3072;
        List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
        for (int attempt = 0; attempt < 10 && chunks.size() < 2; attempt++) { // one chunk: another thread's job held the workers
            chunks.clear();
            Rows.split(rows, COLS, (from, to) -> chunks.add(new int[] {from, to}));
        }
        List<int[]> ordered = new ArrayList<>(chunks);
        ordered.sort((a, b) -> Integer.compare(a[0], b[0]));
        int least = Math.max(1, rows / (16 * Rows.THREADS));
        int expectedFrom = 0;
        for (int[] c : ordered) { // taken in order of their starts: each what was left over the threads, or the least
            assertThat(c[0]).isEqualTo(expectedFrom);
            int left = rows - c[0];
            assertThat(c[1] - c[0]).isEqualTo(Math.min(left, Math.max(least, left / Rows.THREADS)));
            expectedFrom = c[1];
        }
        assertThat(expectedFrom).isEqualTo(rows);
        if (Rows.THREADS > 1) {
            assertThat(ordered.getFirst()[1]).isEqualTo(rows / Rows.THREADS);   // a long run of rows first
            assertThat(ordered.size()).isGreaterThan(Rows.THREADS).isLessThanOrEqualTo(4 * Rows.THREADS * 16);
        }
    }

    @Test
    void aChunksFailureReachesTheCallerAndTheNextSplitRuns() {
        assertThatThrownBy(() -> Rows.split(1000, COLS, (from, to) -> {
            if (from <= 700 && 700 < to) throw new IllegalStateException("row 700");
        })).isInstanceOf(IllegalStateException.class).hasMessage("row 700");
        AtomicIntegerArray runs = new AtomicIntegerArray(1000);
        Rows.split(1000, COLS, (from, to) -> {
            for (int r = from; r < to; r++) runs.incrementAndGet(r);
        });
        for (int r = 0; r < 1000; r++) assertThat(runs.get(r)).isEqualTo(1);
    }
}
