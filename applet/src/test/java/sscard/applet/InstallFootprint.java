package sscard.applet;

import com.licel.jcardsim.base.Simulator;
import com.licel.jcardsim.base.SimulatorRuntime;
import com.licel.jcardsim.base.TransientMemory;
import com.licel.jcardsim.smartcardio.CardSimulator;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javacard.framework.AID;
import javacard.framework.Applet;
import javacard.framework.JCSystem;
import javacard.security.Key;
import javacard.security.KeyBuilder;
import sscard.pboc.FinanceApplet;
import sscard.ssse.SocialSecurityApplet;

/**
 * What each application allocates at installation, measured on the installed applet in jCardSim:
 * a walk of the object graph from the applet instance, by identity, through the fields of the
 * sscard classes. jCardSim does not account memory (JCSystem.getAvailableMemory is a constant
 * there), so the walk counts what the card has to store:
 * <ul>
 *   <li>arrays: their elements (byte/boolean 1, short 2, reference 2 bytes), persistent or transient
 *       as jCardSim's transient memory reports them (CLEAR_ON_RESET / CLEAR_ON_DESELECT);</li>
 *   <li>keys: their key bytes (getSize / 8), transient for the TYPE_*_TRANSIENT_* types;</li>
 *   <li>sscard objects: their instance fields (byte/boolean 1, short 2, reference 2 bytes);</li>
 *   <li>crypto engines (Cipher, Signature, RandomData, ...): counted, their size is the card's.</li>
 * </ul>
 * Not counted: the static arrays of the application's tables (the package's static field image,
 * created when the package loads: `make cap` counts them with the CAP) and each object's header
 * (a few bytes, card-specific: the object counts are there to add it).
 *
 * <p>{@code main} prints {@code key=value} lines for {@code scripts/cap.py};
 * {@link InstallFootprintTest} also checks that a whole session allocates nothing more.
 */
public final class InstallFootprint {

    /** Totals of one application. */
    static final class Usage {
        long persistentBytes;
        long transientResetBytes;
        long transientDeselectBytes;
        int objects;
        int arrays;
        int keys;
        int engines;

        Map<String, Long> asMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("persistent_bytes", persistentBytes);
            m.put("transient_reset_bytes", transientResetBytes);
            m.put("transient_deselect_bytes", transientDeselectBytes);
            m.put("objects", (long) objects);
            m.put("arrays", (long) arrays);
            m.put("keys", (long) keys);
            m.put("crypto_engines", (long) engines);
            return m;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Usage && ((Usage) o).asMap().equals(asMap());
        }

        @Override
        public int hashCode() {
            return asMap().hashCode();
        }

        @Override
        public String toString() {
            return asMap().toString();
        }
    }

    static final byte[] SSSE_AID = TestCardData.hex("7378312E73682EC9E7BBE1B1A3D5CF");
    static final byte[] PBOC_AID = TestCardData.hex("A000000333010101");

    private InstallFootprint() {
    }

    /**
     * A card with both applications installed as a card vendor would (zero keys: sizes only), the
     * SSSE with SM4 keys or 3DES ones (SSC-KEY-5).
     */
    static CardSimulator installBoth(boolean sm4) {
        CardSimulator sim = new CardSimulator();
        byte[] ssse = new byte[1 + 1 + 16 + 8];
        ssse[0] = 2; // install parameter format version
        ssse[1] = (byte) (sm4 ? 1 : 0);
        install(sim, SSSE_AID, SocialSecurityApplet.class, ssse);
        byte[] pboc = new byte[1 + 16];
        pboc[0] = 1;
        install(sim, PBOC_AID, FinanceApplet.class, pboc);
        return sim;
    }

    private static void install(CardSimulator sim, byte[] aid, Class<? extends Applet> cls, byte[] data) {
        byte[] params = new byte[1 + aid.length + 2 + data.length];
        params[0] = (byte) aid.length;
        System.arraycopy(aid, 0, params, 1, aid.length);
        params[1 + aid.length + 1] = (byte) data.length;
        System.arraycopy(data, 0, params, 1 + aid.length + 2, data.length);
        sim.installApplet(new AID(aid, (short) 0, (byte) aid.length), cls, params, (short) 0, (byte) params.length);
    }

    private static SimulatorRuntime runtime(CardSimulator sim) throws ReflectiveOperationException {
        Field f = Simulator.class.getDeclaredField("runtime");
        f.setAccessible(true);
        return (SimulatorRuntime) f.get(sim);
    }

    /** The installed applet instance of {@code aid}. */
    static Applet applet(CardSimulator sim, byte[] aid) throws ReflectiveOperationException {
        return runtime(sim).lookupApplet(new AID(aid, (short) 0, (byte) aid.length)).getApplet();
    }

    /** Measures what the applet at {@code aid} holds (see the class comment). */
    static Usage measure(CardSimulator sim, byte[] aid) throws ReflectiveOperationException {
        TransientMemory ram = runtime(sim).getTransientMemory();
        Applet root = applet(sim, aid);
        Set<Object> statics = staticArrays(root.getClass().getPackageName());
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.add(root);
        Usage u = new Usage();
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o) || statics.contains(o)) {
                continue;
            }
            Class<?> c = o.getClass();
            if (c.isArray()) {
                u.arrays++;
                Class<?> e = c.getComponentType();
                long bytes = (long) Array.getLength(o) * (e == short.class || !e.isPrimitive() ? 2 : 1);
                byte kind = ram.isTransient(o);
                if (kind == JCSystem.CLEAR_ON_RESET) {
                    u.transientResetBytes += bytes;
                } else if (kind == JCSystem.CLEAR_ON_DESELECT) {
                    u.transientDeselectBytes += bytes;
                } else {
                    u.persistentBytes += bytes;
                }
                if (!e.isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) {
                        Object element = Array.get(o, i);
                        if (element != null) {
                            todo.push(element);
                        }
                    }
                }
            } else if (o instanceof Key) {
                Key k = (Key) o;
                u.keys++;
                long bytes = (k.getSize() + 7) / 8;
                byte type = k.getType();
                if (type == KeyBuilder.TYPE_DES_TRANSIENT_RESET || type == KeyBuilder.TYPE_AES_TRANSIENT_RESET) {
                    u.transientResetBytes += bytes;
                } else if (type == KeyBuilder.TYPE_DES_TRANSIENT_DESELECT
                        || type == KeyBuilder.TYPE_AES_TRANSIENT_DESELECT) {
                    u.transientDeselectBytes += bytes;
                } else {
                    u.persistentBytes += bytes;
                }
            } else if (c.getName().startsWith("sscard.")) {
                u.objects++;
                for (Class<?> k = c; k != null && k.getName().startsWith("sscard."); k = k.getSuperclass()) {
                    for (Field f : k.getDeclaredFields()) {
                        if (Modifier.isStatic(f.getModifiers())) {
                            continue;
                        }
                        Class<?> t = f.getType();
                        u.persistentBytes += t == short.class || !t.isPrimitive() ? 2 : 1;
                        if (!t.isPrimitive()) {
                            f.setAccessible(true);
                            Object v = f.get(o);
                            if (v != null) {
                                todo.push(v);
                            }
                        }
                    }
                }
            } else if (o instanceof Applet) {
                throw new IllegalStateException("reached another applet: " + c.getName());
            } else {
                u.engines++; // Cipher, Signature, RandomData: the card's own objects
            }
        }
        return u;
    }

    /** The arrays the package's classes hold in static fields (its static field image). */
    private static Set<Object> staticArrays(String pkg) throws ReflectiveOperationException {
        Set<Object> out = Collections.newSetFromMap(new IdentityHashMap<>());
        for (String name : new String[] {"SsseTables", "PbocTables"}) {
            Class<?> c;
            try {
                c = Class.forName(pkg + "." + name);
            } catch (ClassNotFoundException e) {
                continue;
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType().isArray()) {
                    f.setAccessible(true);
                    out.add(f.get(null));
                }
            }
        }
        return out;
    }

    /** Prints {@code SSSE.persistent_bytes=...} lines, one key per line; SSSE_SM4: an SM4 card's SSSE. */
    public static void main(String[] args) throws Exception {
        CardSimulator sim = installBoth(false);
        Map<String, byte[]> apps = new LinkedHashMap<>();
        apps.put("SSSE", SSSE_AID);
        apps.put("PBOC", PBOC_AID);
        for (Map.Entry<String, byte[]> app : apps.entrySet()) {
            for (Map.Entry<String, Long> e : measure(sim, app.getValue()).asMap().entrySet()) {
                System.out.println(app.getKey() + "." + e.getKey() + "=" + e.getValue());
            }
        }
        for (Map.Entry<String, Long> e : measure(installBoth(true), SSSE_AID).asMap().entrySet()) {
            System.out.println("SSSE_SM4." + e.getKey() + "=" + e.getValue());
        }
    }

    /** Hex without junit: TestCard needs it, this runs from `make cap` on the simulator jar. */
    static final class TestCardData {
        private TestCardData() {
        }

        static byte[] hex(String s) {
            return java.util.HexFormat.of().parseHex(s);
        }
    }
}
