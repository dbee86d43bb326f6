// SPDX-License-Identifier: Apache-2.0
#include "plugins/loopback/loopback.h"

int main(void)
{
	return cni_plugin_main(&lo_ops);
}
