package org.tokenscope.model.safetensors;
// TEMPORARY stub
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public long elementCount() { long n = 1; for (long d : shape) n *= d; return n; }
}
