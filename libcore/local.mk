# libcore: the core library every tool links.
noinst_LTLIBRARIES += libcore/libcore.la

libcore_libcore_la_SOURCES = \
	libcore/err.c libcore/err.h \
	libcore/der.c libcore/der.h \
	libcore/oid.c libcore/oid.h \
	libcore/schema.c libcore/schema.h \
	libcore/dn.c libcore/dn.h \
	libcore/cert.c libcore/cert.h \
	libcore/bundle.c libcore/bundle.h \
	libcore/key.c libcore/key.h \
	libcore/load.c libcore/load.h \
	libcore/eckey.c libcore/eckey.h \
	libcore/pkcs12.c libcore/pkcs12.h \
	libcore/pkcs12-kdf.c libcore/pkcs12-int.h \
	libcore/pkcs12-write.c \
	libcore/p12compat.c libcore/p12compat.h \
	libcore/jks.c libcore/jks.h \
	libcore/nc.c libcore/nc.h \
	libcore/chain.c libcore/chain.h \
	libcore/validate.c libcore/validate.h \
	libcore/trust.c libcore/trust.h \
	libcore/findings.c libcore/findings.h libcore/findings.def \
	libcore/checks.c libcore/checks.h \
	libcore/net.c libcore/net.h \
	libcore/urlbatch.c libcore/urlbatch.h \
	libcore/tls.c libcore/tls.h \
	libcore/starttls.c libcore/starttls.h \
	libcore/revocation.c libcore/revocation.h \
	libcore/revfetch.c libcore/revfetch.h \
	libcore/crl.c libcore/crl.h \
	libcore/csr.c libcore/csr.h \
	libcore/aia.c libcore/aia.h \
	libcore/runtime.c libcore/runtime.h \
	libcore/report.c libcore/report.h libcore/xmlw.h \
	libcore/report-chainview.c \
	libcore/emit.c libcore/emit.h libcore/emit-json.c libcore/emit-xml.c libcore/emit-text.c \
	libcore/emit-junit.c libcore/emit-sarif.c libcore/emit-openmetrics.c libcore/emit-nagios.c \
	libcore/report-truststore.c libcore/report-truststore.h \
	libcore/report-aiacheck.c \
	libcore/report-tls.c \
	libcore/report-derdump.c libcore/report-derdump.h \
	libcore/report-csr.c libcore/report-csr.h \
	libcore/report-crl.c libcore/report-crl.h \
	libcore/write.c libcore/write.h \
	libcore/policy.c libcore/policy.h \
	libcore/policy-urls.c \
	libcore/certpol.c libcore/certpol.h \
	libcore/report-certaudit.c \
	libcore/report-openmetrics.c \
	libcore/report-nagios.c \
	libcore/export.c libcore/export.h \
	libcore/fix.c libcore/fix.h \
	libcore/pkiserve.c libcore/pkiserve.h \
	libcore/ocspserve.c libcore/ocspserve.h \
	libcore/report-aiaserve.c \
	libcore/walk.c libcore/walk.h \
	libcore/pwmap.c libcore/pwmap.h \
	libcore/audit-file.c libcore/audit-file.h \
	$(NULL)
nodist_libcore_libcore_la_SOURCES = libcore/pkix_asn1_tab.c
libcore_libcore_la_LIBADD = $(GNUTLS_LIBS) $(TASN1_LIBS) $(HOGWEED_LIBS) $(XML_LIBS) $(CURL_LIBS) \
	$(JANSSON_LIBS) -lpthread

# The ASN.1 definitions, compiled into C by libtasn1's asn1Parser.
BUILT_SOURCES += libcore/pkix_asn1_tab.c
CLEANFILES += libcore/pkix_asn1_tab.c
EXTRA_DIST += libcore/pkix.asn
libcore/pkix_asn1_tab.c: libcore/pkix.asn
	$(AM_V_GEN)$(MKDIR_P) libcore && \
	$(ASN1PARSER) -o $@.tmp -n ck_pkix_asn1_tab $(srcdir)/libcore/pkix.asn >/dev/null && \
	mv $@.tmp $@
