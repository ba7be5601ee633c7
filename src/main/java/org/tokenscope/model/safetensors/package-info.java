/**
 * A safe, pure-Java reader for Hugging Face safetensors files: one file ({@link
 * org.tokenscope.model.safetensors.SafetensorsFile}), a sharded index ({@link
 * org.tokenscope.model.safetensors.SafetensorsIndex}) and a model folder seen as one set of
 * tensors ({@link org.tokenscope.model.safetensors.SafetensorsBundle}).
 *
 * <p>Every header is checked as strictly as the reference Rust crate checks it before any tensor
 * is handed out; a file that fails a check is reported by a {@link
 * org.tokenscope.model.ModelFormatException} whose message names the file and the tensor. Tensor
 * bytes are memory-mapped one tensor at a time, so files larger than 2 GB work and weights can go
 * to a native engine without passing through the Java heap.
 */
package org.tokenscope.model.safetensors;
