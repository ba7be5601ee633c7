package org.tokenscope.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SequencedSet;
import org.tokenscope.model.ModelFormatException;

/**
 * The index of a sharded checkpoint, {@code model.safetensors.index.json}:
 * {@code {"metadata": {...}, "weight_map": {tensor: shard file}}}. Reading it checks that the
 * JSON is strict (no tensor listed twice), that every shard name stays inside the model folder and
 * that every shard file exists. Whether the shards hold what the map says is checked when they
 * are opened, by {@link SafetensorsBundle}.
 */
public final class SafetensorsIndex {

    public static final String FILE_NAME = "model.safetensors.index.json";

    private final Path indexFile;
    private final Map<String, String> metadata;
    private final SequencedMap<String, Path> weightMap;
    private final SequencedMap<Path, SequencedSet<String>> tensorsByShard;

    private SafetensorsIndex(Path indexFile, Map<String, String> metadata, SequencedMap<String, Path> weightMap) {
        this.indexFile = indexFile;
        this.metadata = metadata;
        this.weightMap = weightMap;
        SequencedMap<Path, SequencedSet<String>> byShard = new LinkedHashMap<>();
        weightMap.forEach((tensor, shard) -> byShard.computeIfAbsent(shard, s -> new LinkedHashSet<>()).add(tensor));
        byShard.replaceAll((shard, tensors) -> Collections.unmodifiableSequencedSet(tensors));
        this.tensorsByShard = Collections.unmodifiableSequencedMap(byShard);
    }

    /** Reads and checks {@code indexFile}; shard names are resolved against its folder. */
    public static SafetensorsIndex read(Path indexFile) throws ModelFormatException {
        byte[] json;
        try {
            if (Files.size(indexFile) > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new ModelFormatException("The index " + indexFile + " is over the limit of "
                        + SafetensorsHeader.MAX_HEADER_BYTES + " bytes.");
            }
            json = Files.readAllBytes(indexFile);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(indexFile + " does not exist.", e);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException("Cannot read " + indexFile + ": " + e.getMessage(), e);
        }
        String subject = "The index " + indexFile;
        ObjectNode root = StrictJson.parseObject(json, subject);

        Map<String, String> metadata = Map.of();
        JsonNode metadataNode = root.get("metadata");
        if (metadataNode != null && !metadataNode.isNull()) {
            if (!metadataNode.isObject()) {
                throw new ModelFormatException(subject + " has a \"metadata\" that is a JSON "
                        + StrictJson.kind(metadataNode) + ", not an object.");
            }
            Map<String, String> values = new LinkedHashMap<>();
            metadataNode.properties().forEach(entry -> values.put(entry.getKey(),
                    entry.getValue().isValueNode() ? entry.getValue().asText() : entry.getValue().toString()));
            metadata = Collections.unmodifiableMap(values);
        }

        JsonNode mapNode = root.get("weight_map");
        if (mapNode == null) {
            throw new ModelFormatException(subject + " has no \"weight_map\".");
        }
        if (!mapNode.isObject()) {
            throw new ModelFormatException(subject + " has a \"weight_map\" that is a JSON "
                    + StrictJson.kind(mapNode) + ", not an object.");
        }
        if (mapNode.isEmpty()) {
            throw new ModelFormatException(subject + " lists no tensors in its \"weight_map\".");
        }
        Path folder = folder(indexFile);
        SequencedMap<String, Path> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : mapNode.properties()) {
            weightMap.put(entry.getKey(), shardPath(subject, folder, entry.getKey(), entry.getValue()));
        }
        SafetensorsIndex index = new SafetensorsIndex(indexFile, metadata, Collections.unmodifiableSequencedMap(weightMap));
        index.checkShardsExist();
        return index;
    }

    private static Path folder(Path indexFile) {
        Path parent = indexFile.toAbsolutePath().getParent();
        return parent.normalize();
    }

    private static Path shardPath(String subject, Path folder, String tensor, JsonNode value)
            throws ModelFormatException {
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new ModelFormatException(subject + " maps tensor '" + tensor + "' to " + value
                    + ", which is not the name of a shard file.");
        }
        String name = value.textValue();
        Path shard;
        try {
            shard = folder.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new ModelFormatException(subject + " maps tensor '" + tensor + "' to \"" + name
                    + "\", which is not a valid file name.", e);
        }
        if (!shard.startsWith(folder) || shard.equals(folder)) {
            throw new ModelFormatException(subject + " maps tensor '" + tensor + "' to \"" + name
                    + "\", which is outside the model folder " + folder + ".");
        }
        return shard;
    }

    private void checkShardsExist() throws ModelFormatException {
        for (Map.Entry<Path, SequencedSet<String>> entry : tensorsByShard.entrySet()) {
            Path shard = entry.getKey();
            if (!Files.isRegularFile(shard)) {
                int count = entry.getValue().size();
                throw new ModelFormatException("The index " + indexFile + " assigns " + count
                        + (count == 1 ? " tensor" : " tensors") + " (such as '" + entry.getValue().getFirst()
                        + "') to shard " + shard.getFileName() + ", which is missing from " + shard.getParent() + ".");
            }
        }
    }

    public Path indexFile() {
        return indexFile;
    }

    /** The folder the shard names are relative to (the index file's folder, absolute). */
    public Path directory() {
        return folder(indexFile);
    }

    /** The index's {@code metadata} (such as {@code total_size}), values as text; empty if none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Each tensor's shard file, in the order of the index. */
    public SequencedMap<String, Path> weightMap() {
        return weightMap;
    }

    /** The shard files, each once, in the order they first appear in the weight map. */
    public List<Path> shards() {
        return List.copyOf(tensorsByShard.keySet());
    }

    /** The tensors the index assigns to {@code shard}; empty for a file it does not name. */
    public SequencedSet<String> tensorsIn(Path shard) {
        SequencedSet<String> tensors = tensorsByShard.get(shard);
        return tensors == null ? Collections.unmodifiableSequencedSet(new LinkedHashSet<>()) : tensors;
    }

    @Override
    public String toString() {
        return "SafetensorsIndex[" + indexFile + ", " + weightMap.size() + " tensors in "
                + tensorsByShard.size() + " shards]";
    }
}
