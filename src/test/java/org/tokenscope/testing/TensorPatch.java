package org.tokenscope.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.tokenscope.model.ModelFormatException;
import org.tokenscope.model.safetensors.SafetensorsFile;
import org.tokenscope.model.safetensors.TensorInfo;

/** Overwrites values of one tensor inside a written safetensors file, as damage or a bad fine-tune would. */
public final class TensorPatch {

    private TensorPatch() {
    }

    /** Sets elements {@code [from, to)} of F32 tensor {@code name} in {@code file} to {@code value}. */
    public static void setF32(Path file, String name, int from, int to, float value) throws IOException {
        long dataStart;
        TensorInfo info;
        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            info = safetensors.tensors().get(name);
        } catch (ModelFormatException e) {
            throw new IOException(e);
        }
        if (info == null) {
            throw new IllegalArgumentException(file + " has no tensor " + name);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length, 0);
            dataStart = 8 + length.flip().getLong();
            ByteBuffer values = ByteBuffer.allocate((to - from) * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = from; i < to; i++) {
                values.putFloat(value);
            }
            channel.write(values.flip(), dataStart + info.begin() + 4L * from);
        }
    }
}
