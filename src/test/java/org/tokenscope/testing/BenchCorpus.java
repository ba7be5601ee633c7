package org.tokenscope.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.Tokenizer;

/**
 * Writes the corpus benchmark's documents: {@code N} texts of about {@code T} GPT-2 tokens made of
 * seeded random common words, one JSON line each with its {@code text}, a {@code label} (alternating
 * human/machine, so the summary runs too) and its GPT-2 {@code ids}, which the PyTorch peer reads
 * (it has no tokenizer of its own).
 *
 * <pre>java -cp ... org.tokenscope.testing.BenchCorpus OUT.jsonl [N=200] [T=300] [seed=1]</pre>
 */
public final class BenchCorpus {

    private static final String[] WORDS = ("the of and to in is was that for it with as on be at by this had not are but "
            + "from or have an they which one you were all her she there would their we him been has when who will "
            + "more no if out so said what up its about into than them can only other new some could time these two "
            + "may then do first any my now such like our over man me even most made after also did many before must "
            + "through back years where much your way well down should because each just those people how too little "
            + "state good very make world still own see men work long get here between both life being under never "
            + "day same another know while last might us great old year off come since against go came right used "
            + "take three river garden window morning letter music winter station market doctor village engine").split(" ");

    private BenchCorpus() {
    }

    public static void main(String[] args) throws IOException, ModelFormatException {
        Path out = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        Random random = new Random(args.length > 3 ? Long.parseLong(args[3]) : 1);
        ObjectMapper json = new ObjectMapper();
        long total = 0;
        try (Tokenizer tokenizer = Tokenizer.loadFile(Gpt2TokenizerJson.cached());
             Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int d = 0; d < n; d++) {
                StringBuilder text = new StringBuilder();
                int[] ids = new int[0];
                while (ids.length < tokens) {
                    int sentence = 6 + random.nextInt(12);
                    for (int i = 0; i < sentence; i++) {
                        String word = WORDS[random.nextInt(WORDS.length)];
                        text.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                        text.append(i == sentence - 1 ? ". " : " ");
                    }
                    ids = tokenizer.encode(text.toString().strip()).ids();
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", "doc" + (d + 1));
                line.put("text", text.toString().strip());
                line.put("label", d % 2 == 0 ? "human" : "machine");
                line.put("ids", ids);
                w.write(json.writeValueAsString(line));
                w.write('\n');
                total += ids.length;
            }
        }
        System.err.printf("%d documents, %d tokens (%.0f per document) in %s%n", n, total, (double) total / n, out);
    }
}
