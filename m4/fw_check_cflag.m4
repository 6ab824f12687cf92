# FW_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT], [EXTRA-FLAGS])
# Compile an empty program with FLAG (plus EXTRA-FLAGS) added to CFLAGS.
AC_DEFUN([FW_CHECK_CFLAG], [
	AC_MSG_CHECKING([whether $CC accepts $1])
	fw_save_CFLAGS="$CFLAGS"
	CFLAGS="$CFLAGS $4 $1"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
		[AC_MSG_RESULT([yes]); $2],
		[AC_MSG_RESULT([no]); $3])
	CFLAGS="$fw_save_CFLAGS"
])
