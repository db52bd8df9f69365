/* AiaFetch — a real Java client for tests/cli/aiaserve-java.sh.
 *
 * Builds the certification path of LEAF to the trust anchor ROOT with the
 * JDK's own PKIX CertPathBuilder (sun.security.provider.certpath), given
 * nothing else: the intermediate is missing, so with
 * -Dcom.sun.security.enableAIAcaIssuers=true the builder downloads it from
 * the leaf's AIA caIssuers URL (URICertStore), as a TLS client validating
 * a server that sends its leaf alone does.  Revocation is off: the stall
 * measured is the caIssuers download's alone.
 *
 * Usage: java AiaFetch ROOT LEAF N [WARM-CERT WARM-URL]
 * With WARM-CERT (a certificate ROOT issued) and WARM-URL, first warms
 * the JVM up as a long-running client is: builds WARM-CERT's path (no
 * download needed) and reads WARM-URL with a URLConnection, so that the
 * builds timed below do not include loading and compiling those classes
 * (a few hundred milliseconds on a busy machine).
 * First prints the caIssuers download timeouts this JDK runs with, read
 * from URICertStore itself (needs
 * --add-opens java.base/sun.security.provider.certpath=ALL-UNNAMED):
 *   timeouts CONNECT-MS READ-MS    or    timeouts unknown REASON
 * then builds N times in one JVM (URICertStore's cache lives for the JVM)
 * and prints one line per build:
 *   built MS PATH-LENGTH
 *   failed MS EXCEPTION-CLASS: MESSAGE
 * MS is the build's wall time in milliseconds.  Exit status 0 when every
 * line was printed, 2 on bad arguments or unreadable files. */
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLConnection;
import java.lang.reflect.Field;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderResult;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

public final class AiaFetch {
	private static X509Certificate read(CertificateFactory cf, String file) throws Exception {
		try (InputStream in = new FileInputStream(file)) {
			return (X509Certificate) cf.generateCertificate(in);
		}
	}

	private static int field(Class<?> c, String name) throws Exception {
		Field f = c.getDeclaredField(name);
		f.setAccessible(true);
		return f.getInt(null);
	}

	/* JDK 8u411, 11.0.23, 17.0.11, 21.0.3 and 22 on: URICertStore's
	 * CACERT_CONNECT_TIMEOUT and CACERT_READ_TIMEOUT, from
	 * com.sun.security.cert.timeout and .readtimeout (JDK-8179502) */
	private static String timeouts() {
		try {
			Class<?> c = Class.forName("sun.security.provider.certpath.URICertStore");
			return "timeouts " + field(c, "CACERT_CONNECT_TIMEOUT") + " " +
				field(c, "CACERT_READ_TIMEOUT");
		} catch (Exception | LinkageError e) {
			return "timeouts unknown " + e;
		}
	}

	/* The path of target to root, from target alone: its issuer must be
	 * the anchor or be found elsewhere (the AIA download) */
	private static PKIXBuilderParameters params(X509Certificate root, X509Certificate target)
		throws Exception {
		X509CertSelector sel = new X509CertSelector();
		sel.setCertificate(target);
		PKIXBuilderParameters p =
			new PKIXBuilderParameters(Collections.singleton(new TrustAnchor(root, null)), sel);
		p.setRevocationEnabled(false);
		p.addCertStore(CertStore.getInstance("Collection",
			new CollectionCertStoreParameters(List.of(target))));
		return p;
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 3 && args.length != 5) {
			System.err.println("usage: java AiaFetch ROOT LEAF N [WARM-CERT WARM-URL]");
			System.exit(2);
		}
		CertificateFactory cf = CertificateFactory.getInstance("X.509");
		X509Certificate root, leaf;
		int n;
		try {
			root = read(cf, args[0]);
			leaf = read(cf, args[1]);
			n = Integer.parseInt(args[2]);
		} catch (Exception e) {
			System.err.println("AiaFetch: " + e);
			System.exit(2);
			return;
		}
		CertPathBuilder builder = CertPathBuilder.getInstance("PKIX");
		System.out.println(timeouts());
		if (args.length == 5) {
			builder.build(params(root, read(cf, args[3])));
			URLConnection c = new URI(args[4]).toURL().openConnection();
			try (InputStream in = c.getInputStream()) {
				in.readAllBytes();
			}
		}
		PKIXBuilderParameters params = params(root, leaf);
		for (int i = 0; i < n; i++) {
			long t0 = System.nanoTime();
			String line;
			try {
				CertPathBuilderResult r = builder.build(params);
				line = "built " + (System.nanoTime() - t0) / 1000000 + " " +
					r.getCertPath().getCertificates().size();
			} catch (Exception e) {
				line = "failed " + (System.nanoTime() - t0) / 1000000 + " " +
					e.getClass().getName() + ": " + e.getMessage();
			}
			System.out.println(line);
			System.out.flush();
		}
	}
}
