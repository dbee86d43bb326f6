// SPDX-License-Identifier: Apache-2.0
#include "cni/exec.h"
#include "plugins/bridge/bridge.h"
#include "plugins/host-local/host_local.h"

int main(void)
{
	/* our host-local, when it is the one on CNI_PATH, runs without a fork+exec */
	cni_delegate_builtin("host-local", &hl_ops);
	return cni_plugin_main(&br_ops);
}
