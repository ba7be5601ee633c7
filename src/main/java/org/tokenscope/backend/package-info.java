/**
 * The port every model is used through: {@link org.tokenscope.backend.Backend} and the values that cross
 * it. Our own model on the local engine ({@code service.LocalBackend}) and a remote inference server
 * ({@code remote.RemoteBackend}) implement it; {@code service} opens either and runs the use cases on it.
 * It sits below both so that neither depends on the other.
 */
package org.tokenscope.backend;
