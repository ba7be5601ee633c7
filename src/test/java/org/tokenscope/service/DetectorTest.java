package org.tokenscope.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tokenscope.analysis.TextDetection;
import org.tokenscope.analysis.Window;
import org.tokenscope.analysis.Windows;
import org.tokenscope.model.LanguageModel;
import org.tokenscope.model.TokenizedText;
import org.tokenscope.testing.CheckpointWriter;
import org.tokenscope.testing.DetectionReference;
import org.tokenscope.testing.TinyGpt2;

/** Every detector on real checkpoints against the double-precision reference, short texts and long. */
class DetectorTest {

    static final TinyGpt2 A = TinyGpt2.random(21, 2, 4, 32, 64, 50257);
    static final TinyGpt2 B = TinyGpt2.random(22, 2, 4, 48, 64, 50257);

    @TempDir
    static Path dir;
    static LanguageModel a;
    static LanguageModel b;

    @BeforeAll
    static void load() throws Exception {
        a = LanguageModel.load(CheckpointWriter.write(A, dir.resolve("a")), "a");
        b = LanguageModel.load(CheckpointWriter.write(B, dir.resolve("b")), "b");
    }

    @AfterAll
    static void close() {
        a.close();
        b.close();
    }

    static int[] withBos(int[] ids) {
        int[] seq = new int[ids.length + 1];
        seq[0] = 50256;
        System.arraycopy(ids, 0, seq, 1, ids.length);
        return seq;
    }

    @Test
    void binocularsFastDetectGptAndGltrMatchTheReference() {
        String text = "The quick brown fox jumps over the lazy dog, and then it sleeps.";
        TextDetection d = Detector.detect(a, b, text, true, 0, () -> false);
        DetectionReference.Terms ref = DetectionReference.of(A, B, withBos(a.tokenizer().encode(text).ids()));
        assertThat(d.positions()).hasSize(ref.logprobA().length);
        assertThat(d.binoculars()).isCloseTo(ref.binoculars(), within(1e-4 * ref.binoculars()));
        assertThat(d.fastDetectGpt()).isCloseTo(ref.fastDetectGpt(), within(1e-3 * Math.max(1, Math.abs(ref.fastDetectGpt()))));
        assertThat(d.a().fastDetectGpt()).isCloseTo(ref.fastDetectGptSelf(), within(1e-3 * Math.max(1, Math.abs(ref.fastDetectGptSelf()))));
        double[] gltr = ref.gltrA();
        assertThat(d.a().gltr().top10()).isCloseTo(gltr[0], within(1e-12));
        assertThat(d.a().gltr().top100()).isCloseTo(gltr[1], within(1e-12));
        assertThat(d.a().gltr().top1000()).isCloseTo(gltr[2], within(1e-12));
        assertThat(d.a().gltr().rest()).isCloseTo(gltr[3], within(1e-12));
        assertThat(d.b().perplexity()).isCloseTo(Math.exp(-java.util.Arrays.stream(ref.logprobB()).average().orElseThrow()),
                org.assertj.core.api.Assertions.withinPercentage(0.1));
    }

    @Test
    void aLongTextTakesEachTokensTermsFromTheWindowThatScoresIt() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 600; i++) {
            sb.append("Sentence number ").append(i).append(" says something else. ");
        }
        TokenizedText tokens = a.tokenizer().encode(sb.toString());
        assertThat(tokens.size()).isGreaterThan(100); // context 64: several windows
        TextDetection d = Detector.detect(a, b, List.of(tokens), true, 0, () -> false).get(0);
        List<Window> windows = Windows.plan(tokens.size(), true, 64).windows();
        assertThat(windows.size()).isGreaterThan(2);
        int i = 0;
        for (Window w : windows) {
            int[] seq = new int[w.length()];
            int o = 0;
            if (w.bos()) seq[o++] = 50256;
            for (int t = w.start(); t < w.end(); t++) seq[o++] = tokens.ids()[t];
            DetectionReference.Terms ref = DetectionReference.of(A, B, seq);
            for (int t = w.scoreFrom(); t < w.scoreTo(); t++, i++) {
                int row = w.logitRow(t);
                assertThat(d.positions()[i]).isEqualTo(t);
                assertThat(d.pair().crossEntropy()[i]).as("cross-entropy of token %d", t).isCloseTo(ref.cross()[row], within(2e-3));
                assertThat(d.pair().fdgMean()[i]).as("μ of token %d", t).isCloseTo(ref.mean()[row], within(2e-3));
                assertThat(d.b().logprob()[i]).as("log q of token %d", t).isCloseTo(ref.logprobB()[row], within(1e-3));
            }
        }
        assertThat(i).isEqualTo(tokens.size());
    }

    @Test
    void severalTextsInOneBatchGiveWhatEachGivesAlone() {
        List<String> texts = List.of("One small text.", "Another, a little longer, text about nothing at all.", "Three");
        List<TokenizedText> tokens = texts.stream().map(t -> a.tokenizer().encode(t)).toList();
        List<TextDetection> batch = Detector.detect(a, b, tokens, true, 0, () -> false);
        for (int k = 0; k < texts.size(); k++) {
            TextDetection alone = Detector.detect(a, b, texts.get(k), true, 0, () -> false);
            assertThat(batch.get(k).binoculars()).isCloseTo(alone.binoculars(), within(1e-5));
            assertThat(batch.get(k).fastDetectGpt()).isCloseTo(alone.fastDetectGpt(), within(1e-4));
        }
    }

    @Test
    void anEmptyTextIsRefused() {
        assertThatThrownBy(() -> Detector.detect(a, b, "", true, 0, () -> false)).hasMessageContaining("empty");
    }
}
