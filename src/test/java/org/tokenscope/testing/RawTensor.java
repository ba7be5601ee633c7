package org.tokenscope.testing;

/**
 * One tensor as a safetensors file holds it. Nothing is checked, so tests can craft bad files.
 *
 * @param dtype the header's dtype string ("F32", "F16", "BF16", or anything else)
 * @param shape the header's shape
 * @param data the little-endian bytes
 */
public record RawTensor(String dtype, long[] shape, byte[] data) {

    public static RawTensor of(DType dtype, long[] shape, float[] values) {
        return new RawTensor(dtype.name(), shape.clone(), dtype.encode(values));
    }
}
