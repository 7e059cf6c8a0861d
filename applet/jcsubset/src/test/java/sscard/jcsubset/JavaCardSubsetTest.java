package sscard.jcsubset;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The checker on class files generated with ASM, so each test controls exactly what is in them. */
public class JavaCardSubsetTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final JavaCardSubset checker = new JavaCardSubset();

    /** A class in sscard/ssse extending Object, with a default constructor and extra members. */
    private static byte[] generate(String name, int version, Consumer<ClassWriter> members) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(version, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        members.accept(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Adds a static method with the given descriptor and body (the body must end in a return). */
    private static void method(ClassWriter cw, String name, String desc, Consumer<MethodVisitor> body) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, desc, null, null);
        mv.visitCode();
        body.accept(mv);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static void assertHas(List<String> findings, String expected) {
        assertTrue("expected <" + expected + "> in " + findings, findings.contains(expected));
    }

    @Test
    public void intFieldAndStringAreRejectedWithBothMembersNamed() throws Exception {
        byte[] bad = generate("sscard/ssse/Bad", Opcodes.V1_8, cw -> {
            cw.visitField(Opcodes.ACC_PRIVATE, "counter", "I", null, null).visitEnd();
            cw.visitField(Opcodes.ACC_PRIVATE, "label", "Ljava/lang/String;", null, null).visitEnd();
            method(cw, "name", "()Ljava/lang/String;", mv -> {
                mv.visitLdcInsn("hello");
                mv.visitInsn(Opcodes.ARETURN);
            });
        });
        Path dir = tmp.newFolder("classes").toPath();
        Files.createDirectories(dir.resolve("sscard/ssse"));
        Files.write(dir.resolve("sscard/ssse/Bad.class"), bad);

        JavaCardSubset.Report report = checker.check(dir);
        assertEquals(1, report.classFiles());
        assertHas(report.violations(), "sscard/ssse/Bad.counter: field of type int");
        assertHas(report.violations(), "sscard/ssse/Bad.label: field of type java.lang.String");
        assertHas(report.violations(), "sscard/ssse/Bad.name()Ljava/lang/String;: returns java.lang.String");
        assertHas(report.violations(),
                "sscard/ssse/Bad.name()Ljava/lang/String;: uses a java.lang.String constant \"hello\"");
        assertEquals(report.violations().toString(), 4, report.violations().size());

        // and the command line fails naming them
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = JavaCardSubset.run(new String[] {dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(stderr, stderr.contains("sscard/ssse/Bad.counter: field of type int\n"));
        assertTrue(stderr, stderr.contains("sscard/ssse/Bad.label: field of type java.lang.String\n"));
        assertTrue(stderr, stderr.contains("jcsubset: 4 finding(s)"));
    }

    @Test
    public void cleanShortCodePasses() {
        // short arithmetic as javac compiles it: int opcodes with i2s, short locals and fields
        byte[] ok = generate("sscard/common/Ok", Opcodes.V1_8, cw -> {
            cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "count", "S", null, null).visitEnd();
            cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, "buffer", "[B", null, null).visitEnd();
            method(cw, "add", "(SB)S", mv -> {
                mv.visitVarInsn(Opcodes.ILOAD, 0);
                mv.visitVarInsn(Opcodes.ILOAD, 1);
                mv.visitInsn(Opcodes.IADD);
                mv.visitIntInsn(Opcodes.SIPUSH, 0x7FFF);
                mv.visitInsn(Opcodes.IAND);
                mv.visitInsn(Opcodes.I2S);
                mv.visitInsn(Opcodes.IRETURN);
            });
            method(cw, "make", "()V", mv -> {
                mv.visitIntInsn(Opcodes.BIPUSH, 16);
                mv.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_BYTE);
                mv.visitFieldInsn(Opcodes.PUTSTATIC, "sscard/common/Ok", "buffer", "[B");
                mv.visitInsn(Opcodes.RETURN);
            });
        });
        assertEquals(List.of(), checker.checkClass(ok));
    }

    @Test
    public void longFloatDoubleCharAndIntInstructionsAreRejected() {
        byte[] bad = generate("sscard/pboc/Ops", Opcodes.V1_8, cw -> {
            method(cw, "ops", "()V", mv -> {
                Label start = new Label();
                Label end = new Label();
                mv.visitLabel(start);
                mv.visitLineNumber(7, start);
                mv.visitInsn(Opcodes.LCONST_1);
                mv.visitInsn(Opcodes.LCONST_1);
                mv.visitInsn(Opcodes.LADD);
                mv.visitInsn(Opcodes.POP2);
                mv.visitInsn(Opcodes.DCONST_0);
                mv.visitInsn(Opcodes.POP2);
                mv.visitInsn(Opcodes.ICONST_1);
                mv.visitInsn(Opcodes.I2C);
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitVarInsn(Opcodes.ISTORE, 0);
                mv.visitIincInsn(0, 1);
                mv.visitLdcInsn(100000);
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.ICONST_2);
                mv.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_INT);
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.ICONST_2);
                mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/String");
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.RETURN);
                mv.visitLabel(end);
                mv.visitLocalVariable("i", "I", null, start, end, 0);
            });
        });
        List<String> findings = checker.checkClass(bad);
        String m = "sscard/pboc/Ops.ops()V: ";
        assertHas(findings, m + "uses long (lconst_1) at line 7");
        assertHas(findings, m + "uses long (ladd) at line 7");
        assertHas(findings, m + "uses double (dconst_0) at line 7");
        assertHas(findings, m + "uses char (i2c) at line 7");
        assertHas(findings, m + "uses int (iinc: an int local variable) at line 7");
        assertHas(findings, m + "uses int constant 100000 at line 7");
        assertHas(findings, m + "creates an array of int (newarray) at line 7");
        assertHas(findings, m + "creates an array of java.lang.String (anewarray) at line 7");
        assertHas(findings, m + "local variable i of type int");
    }

    @Test
    public void foreignClassesParametersAndVersionAreRejected() {
        byte[] bad = generate("sscard/ssse/Foreign", Opcodes.V17, cw -> {
            method(cw, "f", "(IJ)[C", mv -> {
                mv.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/System", "out", "Ljava/io/PrintStream;");
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitInsn(Opcodes.ARETURN);
            });
        });
        List<String> findings = checker.checkClass(bad);
        assertHas(findings, "sscard/ssse/Foreign: class file version 61 (Java 17);"
                + " Java Card conversion needs 52 (javac --release 8) or older");
        assertHas(findings, "sscard/ssse/Foreign.f(IJ)[C: parameter 1 of type int");
        assertHas(findings, "sscard/ssse/Foreign.f(IJ)[C: parameter 2 of type long");
        assertHas(findings, "sscard/ssse/Foreign.f(IJ)[C: returns char[]");
        assertHas(findings, "sscard/ssse/Foreign.f(IJ)[C: uses field java.lang.System.out"
                + " outside the Java Card API");
    }

    @Test
    public void staticInitializersMayOnlyStoreConstantsAndPrimitiveArrays() {
        // what the spec generator emits: static final byte[] AID = {...}; static short X = 5;
        byte[] constants = generate("sscard/ssse/Consts", Opcodes.V1_8, cw -> {
            cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "AID", "[B", null, null).visitEnd();
            cw.visitField(Opcodes.ACC_STATIC, "X", "S", null, null).visitEnd();
            method(cw, "<clinit>", "()V", mv -> {
                mv.visitInsn(Opcodes.ICONST_2);
                mv.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_BYTE);
                mv.visitInsn(Opcodes.DUP);
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitIntInsn(Opcodes.BIPUSH, 0x73);
                mv.visitInsn(Opcodes.BASTORE);
                mv.visitFieldInsn(Opcodes.PUTSTATIC, "sscard/ssse/Consts", "AID", "[B");
                mv.visitInsn(Opcodes.ICONST_5);
                mv.visitFieldInsn(Opcodes.PUTSTATIC, "sscard/ssse/Consts", "X", "S");
                mv.visitInsn(Opcodes.RETURN);
            });
        });
        assertEquals(List.of(), checker.checkClass(constants));

        byte[] objects = generate("sscard/ssse/Objects", Opcodes.V1_8, cw -> {
            cw.visitField(Opcodes.ACC_STATIC, "O", "Ljava/lang/Object;", null, null).visitEnd();
            method(cw, "<clinit>", "()V", mv -> {
                mv.visitTypeInsn(Opcodes.NEW, "java/lang/Object");
                mv.visitInsn(Opcodes.DUP);
                mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
                mv.visitFieldInsn(Opcodes.PUTSTATIC, "sscard/ssse/Objects", "O", "Ljava/lang/Object;");
                mv.visitInsn(Opcodes.RETURN);
            });
        });
        List<String> findings = checker.checkClass(objects);
        String m = "sscard/ssse/Objects.<clinit>()V: static initializer does more than store constants"
                + " and primitive arrays of constants ";
        assertHas(findings, m + "(new java.lang.Object)");
        assertHas(findings, m + "(calls java.lang.Object.<init>)");
        assertEquals(findings.toString(), 2, findings.size());
    }

    @Test
    public void classOutsideTheCheckedPackagesIsReported() {
        byte[] stray = generate("sscard/util/Stray", Opcodes.V1_8, cw -> { });
        List<String> findings = checker.checkClass(stray);
        assertEquals(1, findings.size());
        assertTrue(findings.get(0), findings.get(0).startsWith(
                "sscard/util/Stray: class in package sscard.util, which is not one of the Java Card packages"));
    }

    @Test
    public void commandLineUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, JavaCardSubset.run(new String[] {}, out, errStream));
        assertEquals(2, JavaCardSubset.run(new String[] {"--bogus", "x"}, out, errStream));
        assertEquals(2, JavaCardSubset.run(new String[] {tmp.getRoot() + "/missing"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("error: unknown option --bogus"));
    }
}
