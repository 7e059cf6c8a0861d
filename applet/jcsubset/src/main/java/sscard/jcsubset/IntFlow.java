package sscard.jcsubset;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.tree.analysis.Value;

/**
 * Finds {@code int} intermediate values where the converter needs a short: javac computes
 * {@code short * short} as an int, the card in 16 bits, so wherever the result's high bits could
 * matter the converter refuses the code ("unsupported int type of intermediate value, must cast
 * intermediate value to type short or byte"; "... array index"). For example
 * {@code if (a * b > 100)}: the card compares the product modulo 2^16, Java the full int.
 *
 * <p>A data-flow pass over the operand stack tracks, per value, whether it is a short (its int
 * value equals its 16-bit value) or an int intermediate. The rules follow what Oracle's 3.2.0
 * converter accepts and refuses:
 * <ul>
 *   <li>{@code iadd isub imul ishl ineg idiv iushr} make an int; {@code i2s i2b} make a short;
 *       {@code irem}, {@code ishr} (of a short amount) and logic of shorts stay shorts;
 *       {@code x & c} with a non-negative constant {@code c} on top is a short whatever {@code x}
 *       is (the converter's own exception; {@code c & x} is not);</li>
 *   <li>an int may not reach a comparison, a {@code switch}, an array index or length, either
 *       operand of {@code idiv}/{@code irem}, or the shifted operand of {@code ishr}/{@code iushr}.</li>
 * </ul>
 * Where the converter is more lenient than Java semantics ({@code x | y}, {@code x ^ y},
 * {@code x & y} with an int {@code x} and a non-constant {@code y}), this check is stricter: the
 * card would compute another value than the tests do.
 */
final class IntFlow {

    /** The kinds of values on the operand stack and in locals. */
    enum V implements Value {
        UNINIT(1), SHORT(1), NONNEG_CONST(1), INT(1), REF(1), RETADDR(1), WIDE(2);

        private final int size;

        V(int size) {
            this.size = size;
        }

        @Override
        public int getSize() {
            return size;
        }

        boolean isInt() {
            return this == INT;
        }
    }

    private IntFlow() {
    }

    /** Findings ("what at line N"), in instruction order, for one method of class {@code owner}. */
    static List<String> check(String owner, MethodNode method) {
        if (method.instructions.size() == 0) {
            return List.of();
        }
        Map<Integer, String> found = new TreeMap<>();
        Checker interpreter = new Checker(method, found);
        try {
            new Analyzer<>(interpreter).analyze(owner, method);
        } catch (AnalyzerException e) {
            return List.of("could not analyse the bytecode: " + e.getMessage());
        }
        return List.copyOf(found.values());
    }

    private static final class Checker extends Interpreter<V> {
        private final MethodNode method;
        private final Map<Integer, String> found;

        Checker(MethodNode method, Map<Integer, String> found) {
            super(Opcodes.ASM9);
            this.method = method;
            this.found = found;
        }

        /** Records that an int reaches {@code insn}, where the converter needs a short. */
        private void need(AbstractInsnNode insn, V value, String where) {
            if (!value.isInt()) {
                return;
            }
            int index = method.instructions.indexOf(insn);
            int line = -1;
            for (AbstractInsnNode i = insn; i != null; i = i.getPrevious()) {
                if (i instanceof LineNumberNode) {
                    line = ((LineNumberNode) i).line;
                    break;
                }
            }
            found.putIfAbsent(index, "int intermediate value " + where + " (cast it to short)"
                    + (line > 0 ? " at line " + line : ""));
        }

        private static V of(Type type) {
            switch (type.getSort()) {
                case Type.VOID:
                    return null;
                case Type.BOOLEAN:
                case Type.BYTE:
                case Type.SHORT:
                case Type.CHAR:
                case Type.INT: // declared int types are reported on their own
                    return V.SHORT;
                case Type.LONG:
                case Type.DOUBLE:
                    return V.WIDE;
                case Type.FLOAT:
                    return V.SHORT;
                default:
                    return V.REF;
            }
        }

        private static V constant(int value) {
            return value >= 0 ? V.NONNEG_CONST : V.SHORT;
        }

        @Override
        public V newValue(Type type) {
            return type == null ? V.UNINIT : of(type);
        }

        @Override
        public V newOperation(AbstractInsnNode insn) {
            switch (insn.getOpcode()) {
                case Opcodes.ACONST_NULL:
                case Opcodes.NEW:
                    return V.REF;
                case Opcodes.ICONST_M1:
                    return V.SHORT;
                case Opcodes.ICONST_0:
                case Opcodes.ICONST_1:
                case Opcodes.ICONST_2:
                case Opcodes.ICONST_3:
                case Opcodes.ICONST_4:
                case Opcodes.ICONST_5:
                    return V.NONNEG_CONST;
                case Opcodes.BIPUSH:
                case Opcodes.SIPUSH:
                    return constant(((IntInsnNode) insn).operand);
                case Opcodes.LCONST_0:
                case Opcodes.LCONST_1:
                case Opcodes.DCONST_0:
                case Opcodes.DCONST_1:
                    return V.WIDE;
                case Opcodes.LDC: {
                    Object cst = ((LdcInsnNode) insn).cst;
                    if (cst instanceof Integer) {
                        return constant((Integer) cst); // out-of-range constants are reported on their own
                    }
                    if (cst instanceof Long || cst instanceof Double) {
                        return V.WIDE;
                    }
                    return cst instanceof Float ? V.SHORT : V.REF;
                }
                case Opcodes.JSR:
                    return V.RETADDR;
                case Opcodes.GETSTATIC:
                    return of(Type.getType(((FieldInsnNode) insn).desc));
                default:
                    return V.SHORT;
            }
        }

        @Override
        public V copyOperation(AbstractInsnNode insn, V value) {
            return value;
        }

        @Override
        public V unaryOperation(AbstractInsnNode insn, V value) {
            switch (insn.getOpcode()) {
                case Opcodes.INEG:
                    return V.INT;
                case Opcodes.IINC:
                case Opcodes.I2B:
                case Opcodes.I2S:
                case Opcodes.I2C:
                case Opcodes.L2I:
                case Opcodes.F2I:
                case Opcodes.D2I:
                case Opcodes.I2F:
                case Opcodes.L2F:
                case Opcodes.D2F:
                case Opcodes.FNEG:
                case Opcodes.INSTANCEOF:
                    return V.SHORT;
                case Opcodes.I2L:
                case Opcodes.I2D:
                case Opcodes.L2D:
                case Opcodes.D2L:
                case Opcodes.F2L:
                case Opcodes.F2D:
                case Opcodes.LNEG:
                case Opcodes.DNEG:
                    return V.WIDE;
                case Opcodes.IFEQ:
                case Opcodes.IFNE:
                case Opcodes.IFLT:
                case Opcodes.IFGE:
                case Opcodes.IFGT:
                case Opcodes.IFLE:
                    need(insn, value, "in a comparison");
                    return null;
                case Opcodes.TABLESWITCH:
                case Opcodes.LOOKUPSWITCH:
                    need(insn, value, "as a switch key");
                    return null;
                case Opcodes.NEWARRAY:
                case Opcodes.ANEWARRAY:
                    need(insn, value, "as an array length");
                    return V.REF;
                case Opcodes.ARRAYLENGTH:
                    return V.SHORT;
                case Opcodes.GETFIELD:
                    return of(Type.getType(((FieldInsnNode) insn).desc));
                case Opcodes.CHECKCAST:
                    return V.REF;
                default:
                    return null; // returns, putstatic, athrow, monitors, ifnull
            }
        }

        @Override
        public V binaryOperation(AbstractInsnNode insn, V value1, V value2) {
            switch (insn.getOpcode()) {
                case Opcodes.IALOAD:
                case Opcodes.BALOAD:
                case Opcodes.CALOAD:
                case Opcodes.SALOAD:
                case Opcodes.FALOAD:
                    need(insn, value2, "as an array index");
                    return V.SHORT;
                case Opcodes.AALOAD:
                    need(insn, value2, "as an array index");
                    return V.REF;
                case Opcodes.LALOAD:
                case Opcodes.DALOAD:
                    need(insn, value2, "as an array index");
                    return V.WIDE;
                case Opcodes.IADD:
                case Opcodes.ISUB:
                case Opcodes.IMUL:
                case Opcodes.ISHL:
                    return V.INT;
                case Opcodes.IDIV:
                    // -32768 / -1 overflows a short: the quotient is an int
                    need(insn, value1, "divided");
                    need(insn, value2, "as a divisor");
                    return V.INT;
                case Opcodes.IREM:
                    need(insn, value1, "divided");
                    need(insn, value2, "as a divisor");
                    return V.SHORT;
                case Opcodes.ISHR:
                    need(insn, value1, "shifted right");
                    return value2.isInt() ? V.INT : V.SHORT;
                case Opcodes.IUSHR:
                    // a negative short shifted right unsigned is a large int
                    need(insn, value1, "shifted right");
                    return V.INT;
                case Opcodes.IAND:
                    if (value2.isInt() || (value1.isInt() && value2 != V.NONNEG_CONST)) {
                        return V.INT;
                    }
                    return V.SHORT;
                case Opcodes.IOR:
                case Opcodes.IXOR:
                    return value1.isInt() || value2.isInt() ? V.INT : V.SHORT;
                case Opcodes.IF_ICMPEQ:
                case Opcodes.IF_ICMPNE:
                case Opcodes.IF_ICMPLT:
                case Opcodes.IF_ICMPGE:
                case Opcodes.IF_ICMPGT:
                case Opcodes.IF_ICMPLE:
                    need(insn, value1, "in a comparison");
                    need(insn, value2, "in a comparison");
                    return null;
                case Opcodes.LCMP:
                case Opcodes.FCMPL:
                case Opcodes.FCMPG:
                case Opcodes.DCMPL:
                case Opcodes.DCMPG:
                    return V.SHORT;
                case Opcodes.IF_ACMPEQ:
                case Opcodes.IF_ACMPNE:
                case Opcodes.PUTFIELD:
                    return null;
                case Opcodes.LADD:
                case Opcodes.LSUB:
                case Opcodes.LMUL:
                case Opcodes.LDIV:
                case Opcodes.LREM:
                case Opcodes.LSHL:
                case Opcodes.LSHR:
                case Opcodes.LUSHR:
                case Opcodes.LAND:
                case Opcodes.LOR:
                case Opcodes.LXOR:
                case Opcodes.DADD:
                case Opcodes.DSUB:
                case Opcodes.DMUL:
                case Opcodes.DDIV:
                case Opcodes.DREM:
                    return V.WIDE; // long and double are reported as forbidden opcodes
                default:
                    return V.SHORT; // float arithmetic, likewise
            }
        }

        @Override
        public V ternaryOperation(AbstractInsnNode insn, V value1, V value2, V value3) {
            need(insn, value2, "as an array index"); // xASTORE: array, index, value
            return null;
        }

        @Override
        public V naryOperation(AbstractInsnNode insn, List<? extends V> values) {
            if (insn.getOpcode() == Opcodes.MULTIANEWARRAY) {
                for (V v : values) {
                    need(insn, v, "as an array length");
                }
                return V.REF;
            }
            String desc = insn instanceof MethodInsnNode ? ((MethodInsnNode) insn).desc
                    : ((InvokeDynamicInsnNode) insn).desc;
            return of(Type.getReturnType(desc));
        }

        @Override
        public void returnOperation(AbstractInsnNode insn, V value, V expected) {
            // javac casts what a short/byte method returns; nothing to check
        }

        @Override
        public V merge(V a, V b) {
            if (a == b) {
                return a;
            }
            if (a.getSize() != b.getSize() || a == V.UNINIT || b == V.UNINIT || a == V.REF || b == V.REF
                    || a == V.RETADDR || b == V.RETADDR) {
                return V.UNINIT;
            }
            return a.isInt() || b.isInt() ? V.INT : V.SHORT;
        }
    }
}
