package org.tokenscope.model.safetensors;
// TEMPORARY stub until the real reader lands
public enum DType { F32, F16, BF16, I64 }
