package org.tokenscope.model.torch;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.tokenscope.model.safetensors.DType;

/**
 * Pyrolite's unpickler limited to what {@code torch.save(state_dict)} writes: plain data (numbers,
 * strings, tuples, lists, dicts), {@code collections.OrderedDict}, tensors rebuilt by
 * {@code torch._utils._rebuild_tensor_v2} (or {@code _rebuild_tensor}, {@code _rebuild_parameter}),
 * and storages named by persistent ids. Every other global — {@code os.system}, {@code builtins.eval},
 * any class — ends the load with {@link Refused} at the opcode that names it, before anything could
 * call it; nothing a file names is ever looked up, instantiated or run (Pyrolite itself only builds
 * Java values, and the opcodes that would make it build objects are refused here too).
 *
 * <p>The result is Java values: maps, {@code Object[]} tuples, lists, and {@link TensorRef}s.
 */
final class StateDictUnpickler extends Unpickler {

    /** A global the pickle named, allowed by the list below; only {@link #reduce} gives it meaning. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** One storage: an entry {@code data/KEY} of the archive, holding {@code numel} elements of {@code dtype}. */
    record StorageRef(String key, DType dtype, String location, long numel) {
    }

    /** A tensor as a view of a storage: element offset, shape and strides (in elements). */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    /** A pickle that asks for something a state dict never holds; the message says what. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** Storage class names as torch pickles them ({@code torch.FloatStorage}), by element type. */
    static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private static final Set<String> CALLABLE = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter");

    static final String ALLOWED = "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch storages";

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(allowed(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new Refused("it names a global by something other than two strings");
                }
                stack.add(allowed(m, n));
                return NO_RETURN_VALUE;
            }
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                stack.add(reduce(callable, args));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                // OrderedDict.__reduce__ carries the instance __dict__ (a state dict's _metadata): drop it
                if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?> || state == null)) {
                    throw new Refused("it sets the state of " + describe(target) + ", which a state dict never does");
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS -> {
                // Pyrolite collects the pairs in a HashMap first, which loses an OrderedDict's order
                java.util.List<Object> items = stack.pop_all_since_marker();
                if (!(stack.peek() instanceof Map<?, ?> target) || items.size() % 2 != 0) {
                    throw new PickleException("SETITEMS needs a dict and key-value pairs");
                }
                @SuppressWarnings("unchecked")
                Map<Object, Object> dict = (Map<Object, Object>) target;
                for (int i = 0; i < items.size(); i += 2) {
                    dict.put(items.get(i), items.get(i + 1));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ, Opcodes.NEWOBJ_EX ->
                    throw new Refused("it builds an object of a class (pickle opcode " + key + ")");
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 ->
                    throw new Refused("it names a global through the copyreg extension registry");
            case Opcodes.PERSID ->
                    throw new Refused("it uses a text persistent id, which PyTorch does not write");
            default -> {
                return super.dispatch(key);
            }
        }
    }

    private static Global allowed(String module, String name) {
        Global global = new Global(module, name);
        boolean storage = module.equals("torch") && STORAGES.containsKey(name);
        if (!storage && !CALLABLE.contains(global.qualified())) {
            throw new Refused("it asks for " + global.qualified());
        }
        return global;
    }

    private static Object reduce(Object callable, Object args) {
        if (!(callable instanceof Global global) || !CALLABLE.contains(global.qualified())) {
            throw new Refused("it calls " + describe(callable));
        }
        if (!(args instanceof Object[] a)) {
            throw new Refused("it calls " + global.qualified() + " without an argument tuple");
        }
        return switch (global.qualified()) {
            case "collections.OrderedDict" -> {
                if (a.length != 0) {
                    throw new Refused("it builds an OrderedDict from arguments");
                }
                yield new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_parameter" -> {
                if (a.length < 1 || !(a[0] instanceof TensorRef tensor)) {
                    throw new Refused("it makes a parameter of something that is not a tensor");
                }
                yield tensor;
            }
            default -> tensor(global, a); // _rebuild_tensor_v2 (storage, offset, size, stride, ...) or _rebuild_tensor
        };
    }

    private static TensorRef tensor(Global global, Object[] a) {
        if (a.length < 4 || !(a[0] instanceof StorageRef storage) || !(a[1] instanceof Number offset)
                || !(a[2] instanceof Object[] size) || !(a[3] instanceof Object[] stride) || size.length != stride.length) {
            throw new Refused("it calls " + global.qualified() + " with arguments a tensor never has");
        }
        if (a.length > 5 && a[5] instanceof Map<?, ?> hooks && !hooks.isEmpty()) {
            throw new Refused("its tensors carry backward hooks");
        }
        return new TensorRef(storage, offset.longValue(), longs(size, global), longs(stride, global));
    }

    private static long[] longs(Object[] values, Global global) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Number n) || n.longValue() < 0) {
                throw new Refused("it calls " + global.qualified() + " with a size or stride that is not a count");
            }
            out[i] = n.longValue();
        }
        return out;
    }

    /** ('storage', torch.FloatStorage, key, location, numel), as torch's persistent_id writes it. */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                || !(t[1] instanceof Global type) || !type.module().equals("torch") || !STORAGES.containsKey(type.name())
                || !(t[2] instanceof String key) || !(t[4] instanceof Number numel) || numel.longValue() < 0) {
            throw new Refused("it has a persistent id that is not a torch storage: " + describe(pid));
        }
        return new StorageRef(key, STORAGES.get(type.name()), String.valueOf(t[3]), numel.longValue());
    }

    static String describe(Object value) {
        if (value instanceof Global g) {
            return g.qualified();
        }
        if (value instanceof Object[] tuple) {
            String text = Arrays.deepToString(tuple);
            return "the tuple " + (text.length() > 120 ? text.substring(0, 119) + "…" : text);
        }
        return value == null ? "None" : "a " + value.getClass().getSimpleName();
    }
}
