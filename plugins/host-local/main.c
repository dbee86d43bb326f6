// SPDX-License-Identifier: Apache-2.0
#include "plugins/host-local/host_local.h"

int main(void)
{
	return cni_plugin_main(&hl_ops);
}
