package sscard.jcsubset;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * Checks compiled classes against the Java Card classic language subset and API.
 *
 * <p>No registry serves Oracle's converter, so this check runs wherever the build runs, SDK or not,
 * and names the class and member of every finding, {@code <class>.<member>: <what>}, for example
 * {@code sscard/ssse/Foo.bar: field of type int}. Each rejection the converter was seen to make on
 * this project has a probe in the tests. What it flags:
 * <ul>
 *   <li>class files newer than Java 8 (major version 52), which the 3.2.0 converter refuses;</li>
 *   <li>interface fields that are not primitive compile-time constants (an array in a constants
 *       interface: "Interface fields may only be initialized to primitive compile-time constant
 *       values");</li>
 *   <li>{@code int} intermediate values where the card computes in 16 bits ({@link IntFlow}):
 *       {@code if (a * b > 100)}, {@code buf[off + 1]};</li>
 *   <li>with the target's export files ({@link ApiExports}, from an SDK): classes, methods and
 *       fields the target platform's API lacks, such as {@code RandomData.OneShot} for 3.0.4;</li>
 *   <li>with the AIDs ({@link AidRules}): an applet AID whose RID is not its package's, or that
 *       equals its package AID;</li>
 *   <li>classes outside the Java Card packages under check;</li>
 *   <li>references to any class outside {@code javacard.framework}, {@code javacard.security},
 *       {@code javacardx.crypto}, the packages under check and the few {@code java.lang} classes
 *       Java Card has ({@link #JAVA_LANG_CLASSES});</li>
 *   <li>{@code int}, {@code long}, {@code float}, {@code double}, {@code char} and {@code String}
 *       (or arrays of them) as field types, parameters, return values, local variables (when the
 *       class has a local variable table), array elements, constants;</li>
 *   <li>instructions that only exist for those types: long/float/double arithmetic, loads,
 *       stores, conversions and comparisons, {@code int[]}/{@code char[]} element access,
 *       {@code i2c}, and {@code iinc} (javac emits it only for {@code int} locals: short and
 *       byte counters compile to {@code iadd}+{@code i2s}).</li>
 * </ul>
 * Static initializers may only store constants and primitive arrays of constants (the
 * converter turns them into static field data), and arrays only in packages with applets.
 * Ordinary short/byte arithmetic compiles to int opcodes ({@code iadd}, {@code imul}, ...);
 * the converter maps those back to short opcodes, so they are not flagged. Also flagged because
 * the platform has no equivalent: {@code synchronized} blocks, {@code invokedynamic}, method
 * handles, multi-dimensional arrays and calls on array objects ({@code clone()}).
 */
public final class JavaCardSubset {

    /**
     * Newest class-file major version accepted (Java 8): the one the SDK documents for its 3.2.0
     * converter, for every target. (That converter was seen to take 53 and 54 as well, and to
     * refuse 55, Java 11, and newer; the build makes 52.)
     */
    public static final int MAX_MAJOR_VERSION = 52;

    /** Java Card API packages an applet may use (internal names). */
    public static final Set<String> API_PACKAGES =
            Set.of("javacard/framework", "javacard/security", "javacardx/crypto");

    /** The {@code java.lang} classes of the Java Card platform (internal names). */
    public static final Set<String> JAVA_LANG_CLASSES = Set.of(
            "java/lang/Object",
            "java/lang/Throwable",
            "java/lang/Exception",
            "java/lang/RuntimeException",
            "java/lang/ArithmeticException",
            "java/lang/ArrayIndexOutOfBoundsException",
            "java/lang/ArrayStoreException",
            "java/lang/ClassCastException",
            "java/lang/IndexOutOfBoundsException",
            "java/lang/NegativeArraySizeException",
            "java/lang/NullPointerException",
            "java/lang/SecurityException");

    /** The sscard Java Card packages, checked when no package is named. */
    public static final List<String> DEFAULT_PACKAGES =
            List.of("sscard.ssse", "sscard.pboc", "sscard.common");

    /** The sscard packages without applets (library packages), checked when none is named. */
    public static final List<String> DEFAULT_LIBRARY_PACKAGES = List.of("sscard.common");

    /** Opcodes that exist only for a type Java Card lacks: opcode to "type (mnemonic)". */
    private static final Map<Integer, String> FORBIDDEN_OPCODES = new HashMap<>();

    static {
        forbid("long", Opcodes.LCONST_0, "lconst_0", Opcodes.LCONST_1, "lconst_1",
                Opcodes.LLOAD, "lload", Opcodes.LSTORE, "lstore", Opcodes.LALOAD, "laload",
                Opcodes.LASTORE, "lastore", Opcodes.LADD, "ladd", Opcodes.LSUB, "lsub",
                Opcodes.LMUL, "lmul", Opcodes.LDIV, "ldiv", Opcodes.LREM, "lrem",
                Opcodes.LNEG, "lneg", Opcodes.LSHL, "lshl", Opcodes.LSHR, "lshr",
                Opcodes.LUSHR, "lushr", Opcodes.LAND, "land", Opcodes.LOR, "lor",
                Opcodes.LXOR, "lxor", Opcodes.I2L, "i2l", Opcodes.L2I, "l2i",
                Opcodes.L2F, "l2f", Opcodes.L2D, "l2d", Opcodes.LCMP, "lcmp",
                Opcodes.LRETURN, "lreturn");
        forbid("float", Opcodes.FCONST_0, "fconst_0", Opcodes.FCONST_1, "fconst_1",
                Opcodes.FCONST_2, "fconst_2", Opcodes.FLOAD, "fload", Opcodes.FSTORE, "fstore",
                Opcodes.FALOAD, "faload", Opcodes.FASTORE, "fastore", Opcodes.FADD, "fadd",
                Opcodes.FSUB, "fsub", Opcodes.FMUL, "fmul", Opcodes.FDIV, "fdiv",
                Opcodes.FREM, "frem", Opcodes.FNEG, "fneg", Opcodes.I2F, "i2f",
                Opcodes.F2I, "f2i", Opcodes.F2L, "f2l", Opcodes.F2D, "f2d",
                Opcodes.FCMPL, "fcmpl", Opcodes.FCMPG, "fcmpg", Opcodes.FRETURN, "freturn");
        forbid("double", Opcodes.DCONST_0, "dconst_0", Opcodes.DCONST_1, "dconst_1",
                Opcodes.DLOAD, "dload", Opcodes.DSTORE, "dstore", Opcodes.DALOAD, "daload",
                Opcodes.DASTORE, "dastore", Opcodes.DADD, "dadd", Opcodes.DSUB, "dsub",
                Opcodes.DMUL, "dmul", Opcodes.DDIV, "ddiv", Opcodes.DREM, "drem",
                Opcodes.DNEG, "dneg", Opcodes.I2D, "i2d", Opcodes.D2I, "d2i",
                Opcodes.D2L, "d2l", Opcodes.D2F, "d2f", Opcodes.DCMPL, "dcmpl",
                Opcodes.DCMPG, "dcmpg", Opcodes.DRETURN, "dreturn");
        forbid("char", Opcodes.I2C, "i2c", Opcodes.CALOAD, "caload", Opcodes.CASTORE, "castore");
        forbid("int", Opcodes.IALOAD, "iaload", Opcodes.IASTORE, "iastore",
                Opcodes.IINC, "iinc: an int local variable");
        forbid("synchronized", Opcodes.MONITORENTER, "monitorenter",
                Opcodes.MONITOREXIT, "monitorexit");
    }

    private static void forbid(String what, Object... opcodeMnemonicPairs) {
        for (int i = 0; i < opcodeMnemonicPairs.length; i += 2) {
            FORBIDDEN_OPCODES.put((Integer) opcodeMnemonicPairs[i],
                    what + " (" + opcodeMnemonicPairs[i + 1] + ")");
        }
    }

    /** Result of a check: how many class files were read and what was found. */
    public record Report(int classFiles, List<String> violations) {
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    private final Set<String> packages;
    /** Packages without applets: the converter refuses static array initializers there. */
    private final Set<String> libraries;
    /** The target platform's API, or null: then API members are not checked. */
    private final ApiExports api;

    /**
     * @param javaCardPackages the packages under check, dotted ({@code sscard.ssse}); classes in
     *     them may reference each other, classes elsewhere are reported
     */
    public JavaCardSubset(Collection<String> javaCardPackages) {
        this(javaCardPackages, List.of(), null);
    }

    /**
     * @param javaCardPackages as above
     * @param libraryPackages those of them without applets
     * @param api the target's export files: every API class and member used must be in them
     */
    public JavaCardSubset(Collection<String> javaCardPackages, Collection<String> libraryPackages, ApiExports api) {
        this.packages = javaCardPackages.stream()
                .map(p -> p.replace('.', '/'))
                .collect(Collectors.toUnmodifiableSet());
        this.libraries = libraryPackages.stream()
                .map(p -> p.replace('.', '/'))
                .collect(Collectors.toUnmodifiableSet());
        this.api = api;
    }

    /** A checker for {@link #DEFAULT_PACKAGES} and {@link #DEFAULT_LIBRARY_PACKAGES}. */
    public JavaCardSubset() {
        this(DEFAULT_PACKAGES, DEFAULT_LIBRARY_PACKAGES, null);
    }

    /** Checks every {@code .class} file under {@code root} (a directory or a single class file). */
    public Report check(Path root) throws IOException {
        List<Path> classFiles;
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                classFiles = walk.filter(p -> p.toString().endsWith(".class"))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .collect(Collectors.toList());
            }
        } else if (Files.isRegularFile(root)) {
            classFiles = List.of(root);
        } else {
            throw new IOException("no such file or directory: " + root);
        }
        List<String> violations = new ArrayList<>();
        for (Path file : classFiles) {
            violations.addAll(checkClass(Files.readAllBytes(file)));
        }
        return new Report(classFiles.size(), violations);
    }

    /** The findings for one class file, in a stable order, without duplicates. */
    public List<String> checkClass(byte[] classFile) {
        ClassNode node = new ClassNode();
        // SKIP_FRAMES: stack map frames carry nothing the check needs. Debug info stays: line
        // numbers and local variable names make the findings easy to locate.
        new ClassReader(classFile).accept(node, ClassReader.SKIP_FRAMES);
        return new ClassCheck(node).run();
    }

    /** Findings for one class. */
    private final class ClassCheck {
        private final ClassNode cls;
        private final Set<String> found = new LinkedHashSet<>();

        ClassCheck(ClassNode cls) {
            this.cls = cls;
        }

        List<String> run() {
            int major = cls.version & 0xFFFF;
            if (major > MAX_MAJOR_VERSION) {
                report(cls.name, "class file version " + major + " (Java " + (major - 44)
                        + "); Java Card conversion needs " + MAX_MAJOR_VERSION + " (javac --release 8) or older");
            }
            String pkg = packageOf(cls.name);
            if (!packages.contains(pkg)) {
                report(cls.name, "class in package " + pkg.replace('/', '.')
                        + ", which is not one of the Java Card packages under check "
                        + packages.stream().sorted().map(p -> p.replace('/', '.'))
                                .collect(Collectors.joining(", ")));
            }
            if (cls.superName != null && !isAllowedClass(cls.superName)) {
                report(cls.name, "extends " + javaName(cls.superName));
            }
            apiClass(cls.name, cls.superName, "extends");
            for (String itf : cls.interfaces) {
                if (!isAllowedClass(itf)) {
                    report(cls.name, "implements " + javaName(itf));
                }
                apiClass(cls.name, itf, "implements");
            }
            boolean isInterface = (cls.access & Opcodes.ACC_INTERFACE) != 0;
            for (FieldNode field : cls.fields) {
                Type type = Type.getType(field.desc);
                String bad = forbiddenType(type);
                if (bad != null) {
                    report(cls.name + "." + field.name, "field of type " + bad);
                }
                if (isInterface && (type.getSort() == Type.ARRAY || type.getSort() == Type.OBJECT
                        || field.value == null)) {
                    report(cls.name + "." + field.name, "interface field of type " + type.getClassName()
                            + " that is not a primitive compile-time constant; the converter takes"
                            + " nothing else in an interface (make it a static final field of a class)");
                }
                apiType(cls.name + "." + field.name, type, "field of type");
            }
            for (MethodNode method : cls.methods) {
                checkMethod(method);
            }
            return new ArrayList<>(found);
        }

        private void checkMethod(MethodNode method) {
            String member = cls.name + "." + method.name + method.desc;
            Type[] params = Type.getArgumentTypes(method.desc);
            for (int i = 0; i < params.length; i++) {
                String bad = forbiddenType(params[i]);
                if (bad != null) {
                    report(member, "parameter " + (i + 1) + " of type " + bad);
                }
                apiType(member, params[i], "parameter of type");
            }
            apiType(member, Type.getReturnType(method.desc), "returns");
            String badReturn = forbiddenType(Type.getReturnType(method.desc));
            if (badReturn != null) {
                report(member, "returns " + badReturn);
            }
            if ((method.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                report(member, "synchronized method");
            }
            if (method.exceptions != null) {
                for (String exception : method.exceptions) {
                    if (!isAllowedClass(exception)) {
                        report(member, "throws " + javaName(exception));
                    }
                }
            }
            if (method.localVariables != null) {
                for (LocalVariableNode local : method.localVariables) {
                    String bad = forbiddenType(Type.getType(local.desc));
                    if (bad != null) {
                        report(member, "local variable " + local.name + " of type " + bad);
                    }
                }
            }
            if (method.tryCatchBlocks != null) {
                for (TryCatchBlockNode block : method.tryCatchBlocks) {
                    if (block.type != null && !isAllowedClass(block.type)) {
                        report(member, "catches " + javaName(block.type));
                    }
                    if (block.type != null) {
                        apiClass(member, block.type, "catches");
                    }
                }
            }
            boolean staticInit = method.name.equals("<clinit>");
            int line = -1;
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof LineNumberNode) {
                    line = ((LineNumberNode) insn).line;
                    continue;
                }
                String bad = checkInstruction(insn);
                if (bad == null && staticInit) {
                    bad = checkStaticInitInstruction(insn);
                }
                if (bad == null) {
                    bad = checkApiReference(insn);
                }
                if (bad != null) {
                    report(member, bad + (line > 0 ? " at line " + line : ""));
                }
            }
            if ((method.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                for (String finding : IntFlow.check(cls.name, method)) {
                    report(member, finding);
                }
            }
        }

        /** An API class the target lacks, named in a declaration ({@code what}: "extends", ...). */
        private void apiClass(String member, String internalName, String what) {
            if (internalName != null && api != null && isApiClass(internalName) && !api.hasClass(internalName)) {
                report(member, what + " " + javaName(internalName) + ", which the Java Card "
                        + api.target() + " API does not have");
            }
        }

        private void apiType(String member, Type type, String what) {
            Type t = type.getSort() == Type.ARRAY ? type.getElementType() : type;
            if (t.getSort() == Type.OBJECT) {
                apiClass(member, t.getInternalName(), what);
            }
        }

        /** A class, method or field of the API that the target's export files lack, or null. */
        private String checkApiReference(AbstractInsnNode insn) {
            if (api == null) {
                return null;
            }
            String owner;
            String missing = null;
            if (insn instanceof MethodInsnNode) {
                MethodInsnNode call = (MethodInsnNode) insn;
                owner = call.owner;
                if (owner.startsWith("[") || !isApiClass(owner)) {
                    return null;
                }
                if (api.hasClass(owner) && !api.hasMethod(owner, call.name, call.desc)) {
                    missing = "method " + javaName(owner) + "." + call.name + call.desc;
                }
            } else if (insn instanceof FieldInsnNode) {
                FieldInsnNode field = (FieldInsnNode) insn;
                owner = field.owner;
                if (!isApiClass(owner)) {
                    return null;
                }
                if (api.hasClass(owner) && !api.hasField(owner, field.name, field.desc)) {
                    missing = "field " + javaName(owner) + "." + field.name;
                }
            } else if (insn instanceof TypeInsnNode) {
                String desc = ((TypeInsnNode) insn).desc;
                Type type = desc.startsWith("[") ? Type.getType(desc).getElementType() : Type.getObjectType(desc);
                if (type.getSort() != Type.OBJECT || !isApiClass(type.getInternalName())) {
                    return null;
                }
                owner = type.getInternalName();
            } else if (insn instanceof LdcInsnNode && ((LdcInsnNode) insn).cst instanceof Type) {
                return null; // class literals are reported on their own
            } else {
                return null;
            }
            if (!api.hasClass(owner)) {
                return "uses " + javaName(owner) + ", which the Java Card " + api.target() + " API does not have";
            }
            return missing == null ? null
                    : "uses " + missing + ", which the Java Card " + api.target() + " API does not have";
        }

        /**
         * The converter turns a static initializer into static field data, so it may only store
         * constants and primitive arrays of constants: no objects, calls or reads of other fields.
         */
        private String checkStaticInitInstruction(AbstractInsnNode insn) {
            int opcode = insn.getOpcode();
            if (opcode < 0) {
                return null; // labels, frames
            }
            if (opcode == Opcodes.NEWARRAY && libraries.contains(packageOf(cls.name))) {
                return "static array initialization in a library package (one without applets):"
                        + " the converter allows it only in applet packages";
            }
            switch (opcode) {
                case Opcodes.ACONST_NULL:
                case Opcodes.ICONST_M1:
                case Opcodes.ICONST_0:
                case Opcodes.ICONST_1:
                case Opcodes.ICONST_2:
                case Opcodes.ICONST_3:
                case Opcodes.ICONST_4:
                case Opcodes.ICONST_5:
                case Opcodes.BIPUSH:
                case Opcodes.SIPUSH:
                case Opcodes.LDC:
                case Opcodes.NEWARRAY:
                case Opcodes.DUP:
                case Opcodes.BASTORE:
                case Opcodes.SASTORE:
                case Opcodes.PUTSTATIC:
                case Opcodes.RETURN:
                    return null;
                default:
                    return "static initializer does more than store constants and primitive arrays"
                            + " of constants (" + describe(insn) + ")";
            }
        }

        /** What is wrong with one instruction, or null. */
        private String checkInstruction(AbstractInsnNode insn) {
            int opcode = insn.getOpcode();
            String forbiddenOpcode = FORBIDDEN_OPCODES.get(opcode);
            if (forbiddenOpcode != null) {
                return "uses " + forbiddenOpcode;
            }
            switch (insn.getType()) {
                case AbstractInsnNode.INT_INSN:
                    if (opcode == Opcodes.NEWARRAY) {
                        String element = primitiveArrayElement(((IntInsnNode) insn).operand);
                        if (element != null) {
                            return "creates an array of " + element + " (newarray)";
                        }
                    }
                    return null;
                case AbstractInsnNode.TYPE_INSN: {
                    String desc = ((TypeInsnNode) insn).desc;
                    Type type = desc.startsWith("[") ? Type.getType(desc) : Type.getObjectType(desc);
                    String bad = forbiddenType(type);
                    if (bad == null) {
                        return null;
                    }
                    switch (opcode) {
                        case Opcodes.ANEWARRAY:
                            return "creates an array of " + bad + " (anewarray)";
                        case Opcodes.NEW:
                            return "creates a " + bad;
                        default:
                            return "casts to or tests for " + bad;
                    }
                }
                case AbstractInsnNode.FIELD_INSN: {
                    FieldInsnNode field = (FieldInsnNode) insn;
                    String ref = javaName(field.owner) + "." + field.name;
                    if (!isAllowedClass(field.owner)) {
                        return "uses field " + ref + " outside the Java Card API";
                    }
                    String bad = forbiddenType(Type.getType(field.desc));
                    return bad == null ? null : "uses field " + ref + " of type " + bad;
                }
                case AbstractInsnNode.METHOD_INSN: {
                    MethodInsnNode call = (MethodInsnNode) insn;
                    String ref = javaName(call.owner) + "." + call.name + call.desc;
                    if (call.owner.startsWith("[")) {
                        return "calls " + ref + " on an array";
                    }
                    if (!isAllowedClass(call.owner)) {
                        return "calls " + ref + " outside the Java Card API";
                    }
                    for (Type arg : Type.getArgumentTypes(call.desc)) {
                        String bad = forbiddenType(arg);
                        if (bad != null) {
                            return "calls " + ref + " with a parameter of type " + bad;
                        }
                    }
                    String bad = forbiddenType(Type.getReturnType(call.desc));
                    return bad == null ? null : "calls " + ref + " returning " + bad;
                }
                case AbstractInsnNode.INVOKE_DYNAMIC_INSN:
                    return "uses invokedynamic (lambda, method reference or string concatenation)";
                case AbstractInsnNode.LDC_INSN:
                    return checkConstant(((LdcInsnNode) insn).cst);
                case AbstractInsnNode.MULTIANEWARRAY_INSN:
                    return "creates a multi-dimensional array "
                            + Type.getType(((MultiANewArrayInsnNode) insn).desc).getClassName();
                default:
                    return null;
            }
        }

        private String checkConstant(Object constant) {
            if (constant instanceof String) {
                String text = (String) constant;
                if (text.length() > 24) {
                    text = text.substring(0, 21) + "...";
                }
                return "uses a java.lang.String constant \"" + text + "\"";
            }
            if (constant instanceof Integer) {
                int value = (Integer) constant;
                // javac folds casts, so an int constant outside the short range is an int value
                if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
                    return "uses int constant " + value;
                }
                return null;
            }
            if (constant instanceof Long) {
                return "uses long constant " + constant;
            }
            if (constant instanceof Float) {
                return "uses float constant " + constant;
            }
            if (constant instanceof Double) {
                return "uses double constant " + constant;
            }
            if (constant instanceof Type) {
                return "uses a class literal " + ((Type) constant).getClassName() + ".class";
            }
            if (constant instanceof Handle) {
                return "uses a method handle constant";
            }
            return "uses a dynamic constant";
        }

        private void report(String member, String what) {
            found.add(member + ": " + what);
        }
    }

    /** The Java name of a type Java Card lacks, or null when the type is fine. */
    String forbiddenType(Type type) {
        switch (type.getSort()) {
            case Type.INT:
            case Type.LONG:
            case Type.FLOAT:
            case Type.DOUBLE:
            case Type.CHAR:
                return type.getClassName();
            case Type.ARRAY: {
                if (type.getDimensions() > 1) {
                    return type.getClassName();
                }
                return forbiddenType(type.getElementType()) == null ? null : type.getClassName();
            }
            case Type.OBJECT:
                return isAllowedClass(type.getInternalName()) ? null : type.getClassName();
            default:
                return null; // void, boolean, byte, short
        }
    }

    /** Whether an internal class name is one of the platform's, not of the packages under check. */
    boolean isApiClass(String internalName) {
        return !internalName.startsWith("[") && !packages.contains(packageOf(internalName))
                && isAllowedClass(internalName);
    }

    /** Whether an internal class name (or array descriptor) is part of the Java Card world. */
    boolean isAllowedClass(String internalName) {
        if (internalName.startsWith("[")) {
            return forbiddenType(Type.getType(internalName)) == null;
        }
        if (JAVA_LANG_CLASSES.contains(internalName)) {
            return true;
        }
        String pkg = packageOf(internalName);
        return API_PACKAGES.contains(pkg) || packages.contains(pkg);
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** A short description of an instruction for messages. */
    private static String describe(AbstractInsnNode insn) {
        if (insn instanceof MethodInsnNode) {
            MethodInsnNode call = (MethodInsnNode) insn;
            return "calls " + javaName(call.owner) + "." + call.name;
        }
        if (insn instanceof FieldInsnNode) {
            FieldInsnNode field = (FieldInsnNode) insn;
            return "reads " + javaName(field.owner) + "." + field.name;
        }
        if (insn instanceof TypeInsnNode) {
            String type = javaName(((TypeInsnNode) insn).desc);
            switch (insn.getOpcode()) {
                case Opcodes.NEW:
                    return "new " + type;
                case Opcodes.ANEWARRAY:
                    return "new " + type + "[]";
                default:
                    return "cast to " + type;
            }
        }
        return "opcode " + insn.getOpcode();
    }

    private static String javaName(String internalName) {
        return internalName.startsWith("[")
                ? Type.getType(internalName).getClassName()
                : internalName.replace('/', '.');
    }

    private static String primitiveArrayElement(int newarrayOperand) {
        switch (newarrayOperand) {
            case Opcodes.T_INT:
                return "int";
            case Opcodes.T_LONG:
                return "long";
            case Opcodes.T_FLOAT:
                return "float";
            case Opcodes.T_DOUBLE:
                return "double";
            case Opcodes.T_CHAR:
                return "char";
            default:
                return null; // boolean, byte, short
        }
    }

    // ---------------------------------------------------------------- command line

    static final String USAGE = "usage: java sscard.jcsubset.JavaCardSubset [--package NAME]..."
            + " [--target VERSION --jc-home SDK] [--package-aid NAME=AID]... [--applet CLASS=AID]..."
            + " CLASSES_DIR_OR_FILE...";

    /**
     * Command line: checks the given class directories (or files) and exits 0 when they keep to
     * the subset, 1 with one line per finding on stderr when they don't, 2 on bad usage.
     * <ul>
     *   <li>{@code --package} (repeatable, dotted) names the Java Card packages under check; the
     *       default is {@link #DEFAULT_PACKAGES};</li>
     *   <li>{@code --target 3.0.4 --jc-home SDK} also checks every API class and member used
     *       against that target's export files in the SDK (read in place, never copied);</li>
     *   <li>{@code --package-aid sscard.ssse=7378312E730001} and
     *       {@code --applet sscard.ssse.SocialSecurityApplet=7378...} check the AIDs the converter
     *       will be given ({@link AidRules}).</li>
     * </ul>
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> packages = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        Map<String, byte[]> packageAids = new java.util.LinkedHashMap<>();
        Map<String, byte[]> appletAids = new java.util.LinkedHashMap<>();
        String target = null;
        Path jcHome = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
                boolean inline = !name.equals(arg);
                switch (name) {
                    case "--package":
                    case "--target":
                    case "--jc-home":
                    case "--package-aid":
                    case "--applet": {
                        String value;
                        if (inline) {
                            value = arg.substring(name.length() + 1);
                        } else if (i + 1 < args.length) {
                            value = args[++i];
                        } else {
                            err.println("error: " + name + " needs a value");
                            return 2;
                        }
                        if (name.equals("--package")) {
                            packages.add(value);
                        } else if (name.equals("--target")) {
                            target = value;
                        } else if (name.equals("--jc-home")) {
                            jcHome = Paths.get(value);
                        } else {
                            int eq = value.indexOf('=');
                            if (eq <= 0) {
                                err.println("error: " + name + " takes NAME=AID, not " + value);
                                return 2;
                            }
                            (name.equals("--applet") ? appletAids : packageAids)
                                    .put(value.substring(0, eq), AidRules.parseHex(value.substring(eq + 1)));
                        }
                        break;
                    }
                    case "-h":
                    case "--help":
                        out.println(USAGE);
                        return 0;
                    default:
                        if (arg.startsWith("-")) {
                            err.println("error: unknown option " + arg);
                            err.println(USAGE);
                            return 2;
                        }
                        roots.add(Paths.get(arg));
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (roots.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        if ((target == null) != (jcHome == null)) {
            err.println("error: --target and --jc-home go together");
            return 2;
        }
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, byte[]> applet : appletAids.entrySet()) {
            String cls = applet.getKey();
            String pkg = cls.contains(".") ? cls.substring(0, cls.lastIndexOf('.')) : "";
            if (!packageAids.containsKey(pkg)) {
                err.println("error: --applet " + cls + " needs --package-aid " + pkg + "=AID");
                return 2;
            }
            violations.addAll(AidRules.check(pkg, packageAids.get(pkg), cls, applet.getValue()));
        }
        for (Map.Entry<String, byte[]> pkg : packageAids.entrySet()) {
            if (appletAids.keySet().stream().noneMatch(c -> c.startsWith(pkg.getKey() + "."))) {
                violations.addAll(AidRules.check(pkg.getKey(), pkg.getValue(), null, null));
            }
        }
        int classFiles = 0;
        try {
            ApiExports api = target == null ? null : ApiExports.fromSdk(jcHome, target);
            List<String> libraries = new ArrayList<>();
            if (!packageAids.isEmpty()) {
                for (String pkg : packageAids.keySet()) {
                    if (appletAids.keySet().stream().noneMatch(c -> c.startsWith(pkg + "."))) {
                        libraries.add(pkg);
                    }
                }
            } else if (packages.isEmpty()) {
                libraries.addAll(DEFAULT_LIBRARY_PACKAGES);
            }
            JavaCardSubset checker = new JavaCardSubset(packages.isEmpty() ? DEFAULT_PACKAGES : packages, libraries, api);
            for (Path root : roots) {
                Report report = checker.check(root);
                classFiles += report.classFiles();
                violations.addAll(report.violations());
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            // IllegalArgumentException: ASM on a file that is not a class file
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (classFiles == 0) {
            err.println("error: no class files in " + roots);
            return 2;
        }
        String against = target == null ? "" : " and the Java Card " + target + " API";
        if (!violations.isEmpty()) {
            violations.forEach(err::println);
            err.println("jcsubset: " + violations.size() + " finding(s) outside the Java Card"
                    + " subset" + against + " in " + classFiles + " class file(s)");
            return 1;
        }
        out.println("jcsubset: " + classFiles + " class file(s) keep to the Java Card subset" + against
                + (appletAids.isEmpty() && packageAids.isEmpty() ? "" : "; AIDs fit the converter's rules"));
        return 0;
    }
}
