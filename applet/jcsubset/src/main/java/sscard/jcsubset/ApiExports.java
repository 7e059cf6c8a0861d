package sscard.jcsubset;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Java Card API of one target platform, as its export files describe it: which classes exist
 * and which fields and methods each one has (its own and inherited). The converter links against
 * exactly these files, so a class or member missing here is one it refuses (for example
 * {@code javacard.security.RandomData$OneShot}, new in 3.0.5, for target 3.0.4).
 *
 * <p>Export files are read where the SDK keeps them, never copied: from an SDK's
 * {@code lib/tools.jar} (entries {@code api_export_files_<target>/...exp}, Oracle's 3.1/3.2 kits) or
 * from a directory tree of {@code .exp} files ({@code api_export_files} of older kits). The format
 * is the Java Card VM specification's export file (versions 2.1 and 2.3).
 */
public final class ApiExports {

    /** One exported class or interface: internal name, supertypes, "name:descriptor" members. */
    static final class ExportedClass {
        final String name;
        final List<String> supertypes = new ArrayList<>();
        final Set<String> fields = new HashSet<>();
        final Set<String> methods = new HashSet<>();

        ExportedClass(String name) {
            this.name = name;
        }
    }

    private final String target;
    private final Map<String, ExportedClass> classes;

    private ApiExports(String target, Map<String, ExportedClass> classes) {
        this.target = target;
        this.classes = classes;
    }

    /** The platform version these exports describe ({@code 3.0.4}), for messages. */
    public String target() {
        return target;
    }

    /** Number of exported classes and interfaces. */
    public int classCount() {
        return classes.size();
    }

    /**
     * The API export files of {@code target} in the SDK at {@code jcHome}: {@code lib/tools.jar}'s
     * {@code api_export_files_<target>/} (3.1 and later kits), else {@code api_export_files/}.
     */
    public static ApiExports fromSdk(Path jcHome, String target) throws IOException {
        Path toolsJar = jcHome.resolve("lib").resolve("tools.jar");
        String prefix = "api_export_files_" + target + "/";
        if (Files.isRegularFile(toolsJar)) {
            Map<String, ExportedClass> found = new HashMap<>();
            try (ZipFile zip = new ZipFile(toolsJar.toFile())) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                for (ZipEntry entry : Collections.list(entries)) {
                    if (entry.getName().startsWith(prefix) && entry.getName().endsWith(".exp")) {
                        try (InputStream in = zip.getInputStream(entry)) {
                            parse(in.readAllBytes(), found);
                        }
                    }
                }
            }
            if (!found.isEmpty()) {
                return new ApiExports(target, found);
            }
        }
        Path dir = jcHome.resolve("api_export_files");
        if (Files.isDirectory(dir)) {
            return fromDirectory(dir, target);
        }
        throw new IOException("no export files for Java Card " + target + " in " + jcHome
                + " (looked for " + prefix + " in lib/tools.jar and for api_export_files/)");
    }

    /** Every {@code .exp} file under {@code dir}. */
    public static ApiExports fromDirectory(Path dir, String target) throws IOException {
        Map<String, ExportedClass> found = new HashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(f -> f.toString().endsWith(".exp")).sorted()::iterator) {
                parse(Files.readAllBytes(p), found);
            }
        }
        if (found.isEmpty()) {
            throw new IOException("no export files under " + dir);
        }
        return new ApiExports(target, found);
    }

    /** Whether the API has this class or interface (internal name). */
    public boolean hasClass(String internalName) {
        return classes.containsKey(internalName);
    }

    /** Whether the API's package list covers {@code internalPackage} ({@code javacard/security}). */
    public boolean hasPackage(String internalPackage) {
        String prefix = internalPackage + "/";
        for (String name : classes.keySet()) {
            if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code owner} declares or inherits the field {@code name} of type {@code desc}. */
    public boolean hasField(String owner, String name, String desc) {
        return hasMember(owner, name + ":" + desc, false, new HashSet<>());
    }

    /** Whether {@code owner} declares or inherits the method {@code name desc}. */
    public boolean hasMethod(String owner, String name, String desc) {
        return hasMember(owner, name + ":" + desc, true, new HashSet<>());
    }

    private boolean hasMember(String owner, String member, boolean method, Set<String> seen) {
        ExportedClass cls = classes.get(owner);
        if (cls == null || !seen.add(owner)) {
            return false;
        }
        if ((method ? cls.methods : cls.fields).contains(member)) {
            return true;
        }
        for (String s : cls.supertypes) {
            if (hasMember(s, member, method, seen)) {
                return true;
            }
        }
        // interfaces inherit Object's methods (javac may name an interface as owner of equals)
        return method && !owner.equals("java/lang/Object")
                && hasMember("java/lang/Object", member, true, seen);
    }

    // ---------------------------------------------------------------- export file format

    private static final int MAGIC = 0x00FACADE;
    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int CLASSREF = 7;
    private static final int PACKAGE = 13;

    /** Reads one export file into {@code into}. */
    static void parse(byte[] file, Map<String, ExportedClass> into) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
        try {
            if (in.readInt() != MAGIC) {
                throw new IOException("not an export file (bad magic)");
            }
            int minor = in.readUnsignedByte();
            int major = in.readUnsignedByte();
            if (major != 2 || (minor != 1 && minor != 2 && minor != 3)) {
                throw new IOException("export file version " + major + "." + minor + " not supported");
            }
            boolean v23 = minor >= 3;
            int count = in.readUnsignedShort();
            Object[] pool = new Object[count];
            for (int i = 0; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case UTF8: {
                        byte[] bytes = new byte[in.readUnsignedShort()];
                        in.readFully(bytes);
                        pool[i] = new String(bytes, StandardCharsets.UTF_8);
                        break;
                    }
                    case INTEGER:
                        in.readInt();
                        break;
                    case CLASSREF:
                        pool[i] = in.readUnsignedShort(); // name_index
                        break;
                    case PACKAGE:
                        in.readUnsignedByte(); // flags
                        in.readUnsignedShort(); // name_index
                        in.readUnsignedByte(); // minor
                        in.readUnsignedByte(); // major
                        in.skipNBytes(in.readUnsignedByte()); // AID
                        break;
                    default:
                        throw new IOException("unknown constant pool tag " + tag);
                }
            }
            in.readUnsignedShort(); // this_package
            if (v23) {
                in.skipNBytes(2L * in.readUnsignedByte()); // referenced packages
            }
            int classCount = in.readUnsignedByte();
            for (int c = 0; c < classCount; c++) {
                in.readUnsignedByte(); // token
                in.readUnsignedShort(); // access flags
                ExportedClass cls = new ExportedClass(className(pool, in.readUnsignedShort()));
                int supers = in.readUnsignedShort();
                for (int i = 0; i < supers; i++) {
                    cls.supertypes.add(className(pool, in.readUnsignedShort()));
                }
                int interfaces = in.readUnsignedByte();
                for (int i = 0; i < interfaces; i++) {
                    cls.supertypes.add(className(pool, in.readUnsignedShort()));
                }
                int fields = in.readUnsignedShort();
                for (int i = 0; i < fields; i++) {
                    in.readUnsignedByte(); // token
                    in.readUnsignedShort(); // access flags
                    cls.fields.add(utf8(pool, in.readUnsignedShort()) + ":" + utf8(pool, in.readUnsignedShort()));
                    int attributes = in.readUnsignedShort();
                    for (int a = 0; a < attributes; a++) {
                        in.readUnsignedShort();
                        in.skipNBytes(in.readInt());
                    }
                }
                int methods = in.readUnsignedShort();
                for (int i = 0; i < methods; i++) {
                    in.readUnsignedByte(); // token
                    in.readUnsignedShort(); // access flags
                    cls.methods.add(utf8(pool, in.readUnsignedShort()) + ":" + utf8(pool, in.readUnsignedShort()));
                }
                if (v23) {
                    in.readUnsignedByte(); // CAP 2.2 inheritable public method token count
                }
                into.put(cls.name, cls);
            }
            if (in.read() != -1) {
                throw new IOException("trailing bytes after the export file's classes");
            }
        } catch (EOFException | ClassCastException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("malformed export file: " + e, e);
        }
    }

    private static String utf8(Object[] pool, int index) {
        return (String) pool[index];
    }

    private static String className(Object[] pool, int classref) {
        return utf8(pool, (Integer) pool[classref]);
    }
}
