package org.tokenscope.model.quant;

/** Hands out a matrix one row at a time as float32, so a large matrix is never widened whole. */
@FunctionalInterface
public interface RowSource {
    /** Writes row {@code r} ({@code dst.length} values) into {@code dst}. */
    void row(int r, float[] dst);
}
