/* Debian's librc (0.45.2-2) declares rc_deptree_update(RC_DT_FLAGS) (a Debian patch); upstream
 * 0.45.2's misc.c calls rc_deptree_update() in _rc_deptree_load(), which start-stop-daemon never
 * calls. Compile upstream's misc.c unchanged against Debian's rc.h. */
#include <rc.h>
#define rc_deptree_update() rc_deptree_update(0)
#include "misc.c"
