package org.tokenscope.generate;

import java.util.Arrays;

/** A growable byte buffer: the text of one sequence, for stop strings and the final text. */
final class Bytes {

    private byte[] data;
    private int length;

    Bytes(byte[] initial) {
        data = Arrays.copyOf(initial, Math.max(16, initial.length * 2));
        length = initial.length;
    }

    Bytes copy() {
        Bytes b = new Bytes(new byte[0]);
        b.data = Arrays.copyOf(data, data.length);
        b.length = length;
        return b;
    }

    void append(byte[] bytes) {
        if (length + bytes.length > data.length) data = Arrays.copyOf(data, Math.max(data.length * 2, length + bytes.length));
        System.arraycopy(bytes, 0, data, length, bytes.length);
        length += bytes.length;
    }

    byte[] array() {
        return data;
    }

    int length() {
        return length;
    }
}
