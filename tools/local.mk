# tools: one program per file, sharing cli.c.
noinst_LTLIBRARIES += tools/libcli.la
tools_libcli_la_SOURCES = tools/cli.c tools/cli.h tools/progress.c tools/progress.h
tools_libcli_la_LIBADD = libcore/libcore.la

TOOL_LIBS = tools/libcli.la libcore/libcore.la

bin_PROGRAMS += tools/chainview
tools_chainview_SOURCES = tools/chainview.c
tools_chainview_LDADD = $(TOOL_LIBS)

bin_PROGRAMS += tools/truststore
tools_truststore_SOURCES = tools/truststore.c
tools_truststore_LDADD = $(TOOL_LIBS)

bin_PROGRAMS += tools/aiacheck
tools_aiacheck_SOURCES = tools/aiacheck.c
tools_aiacheck_LDADD = $(TOOL_LIBS)

bin_PROGRAMS += tools/certaudit
tools_certaudit_SOURCES = tools/certaudit.c tools/certaudit-output.c tools/certaudit-output.h \
	tools/pool.c tools/pool.h
tools_certaudit_LDADD = $(TOOL_LIBS) -lpthread

# the conversion tools share convert.c
noinst_LTLIBRARIES += tools/libconvert.la
tools_libconvert_la_SOURCES = tools/convert.c tools/convert.h
tools_libconvert_la_LIBADD = tools/libcli.la
CONVERT_LIBS = tools/libconvert.la $(TOOL_LIBS)

bin_PROGRAMS += tools/pfx2pem tools/pem2pfx tools/certconv
tools_pfx2pem_SOURCES = tools/pfx2pem.c
tools_pfx2pem_LDADD = $(CONVERT_LIBS)
tools_pem2pfx_SOURCES = tools/pem2pfx.c
tools_pem2pfx_LDADD = $(CONVERT_LIBS)
tools_certconv_SOURCES = tools/certconv.c
tools_certconv_LDADD = $(CONVERT_LIBS)
bin_PROGRAMS += tools/mtlsprobe
tools_mtlsprobe_SOURCES = tools/mtlsprobe.c
tools_mtlsprobe_LDADD = $(TOOL_LIBS)

bin_PROGRAMS += tools/derdump
tools_derdump_SOURCES = tools/derdump.c
tools_derdump_LDADD = $(TOOL_LIBS)

bin_PROGRAMS += tools/aiaserve
tools_aiaserve_SOURCES = tools/aiaserve.c
tools_aiaserve_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS)
tools_aiaserve_LDADD = $(TOOL_LIBS) $(MHD_LIBS) -lpthread
