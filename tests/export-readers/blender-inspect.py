# Imports a GLB or binary FBX into a fresh Blender scene (headless) and prints what Blender sees as
# one JSON line prefixed "INSPECT ": meshes, bones, shape keys, images, actions, sizes, and the
# largest jawOpen displacement. Run: blender -b --factory-startup --python blender-inspect.py -- FILE
import json
import sys

import numpy

numpy.bool = numpy.bool_  # Blender 3.4's glTF importer still uses the removed alias
import bpy  # noqa: E402

args = sys.argv[sys.argv.index("--") + 1 :]
path = args[0]
# "--curves": also every F-curve's keyframes (frame, value), for checking animation values.
want_curves = "--curves" in args[1:]
bpy.ops.wm.read_factory_settings(use_empty=True)
if path.lower().endswith(".fbx"):
    bpy.ops.import_scene.fbx(filepath=path)
else:
    bpy.ops.import_scene.gltf(filepath=path)

meshes = [o for o in bpy.context.scene.objects if o.type == "MESH"]
armatures = [o for o in bpy.context.scene.objects if o.type == "ARMATURE"]
out = {"meshes": [], "armatures": [], "images": sorted(i.name for i in bpy.data.images), "actions": sorted(a.name for a in bpy.data.actions)}
out["blender"] = list(bpy.app.version)


def action_fcurves(action):
    """Every F-curve of an action. Blender 4.4 made actions slotted (one action can animate several
    data-blocks, e.g. an armature and its mesh's shape keys, each through a slot); 5.0 removed
    action.fcurves, so the curves are read from the layers' strips' channel bags where they exist."""
    if hasattr(action, "layers") and len(action.layers):
        return [fc for layer in action.layers for strip in layer.strips for bag in strip.channelbags for fc in bag.fcurves]
    return list(action.fcurves)


# What the animation moves: every F-curve's target, e.g. 'key_blocks["jawOpen"].value' or 'pose.bones["jaw"].rotation_quaternion'.
out["animated"] = sorted({fc.data_path for a in bpy.data.actions for fc in action_fcurves(a)})
if want_curves:
    out["fps"] = bpy.context.scene.render.fps / bpy.context.scene.render.fps_base
    out["curves"] = [
        {"action": a.name, "path": fc.data_path, "index": fc.array_index, "keys": [[k.co[0], k.co[1]] for k in fc.keyframe_points]}
        for a in bpy.data.actions
        for fc in action_fcurves(a)
    ]
for arm in armatures:
    # The pose the file puts each bone in (rest: identity), as Blender reads it (w, x, y, z).
    pose = {b.name: list(b.rotation_quaternion) for b in arm.pose.bones}
    out["armatures"].append({"name": arm.name, "bones": [b.name for b in arm.data.bones], "pose": pose})
for ob in meshes:
    me = ob.data
    me.calc_loop_triangles()
    world = [ob.matrix_world @ v.co for v in me.vertices]
    zs = [p.z for p in world]
    info = {
        "name": ob.name,
        "vertices": len(me.vertices),
        "triangles": len(me.loop_triangles),
        "height": max(zs) - min(zs),
        "width": max(p.x for p in world) - min(p.x for p in world),
        "uv_layers": len(me.uv_layers),
        "materials": [m.name for m in me.materials if m],
        "shape_keys": [],
        "armature_modifier": any(m.type == "ARMATURE" for m in ob.modifiers),
        "vertex_groups": [g.name for g in ob.vertex_groups],
    }
    # How far the file's pose (bones and shape-key values) moves the mesh from its rest shape, world units.
    evaluated = ob.evaluated_get(bpy.context.evaluated_depsgraph_get()).to_mesh()
    info["posed_max_move"] = max(((ob.matrix_world @ e.co) - (ob.matrix_world @ v.co)).length for e, v in zip(evaluated.vertices, me.vertices))
    if me.shape_keys:
        keys = me.shape_keys.key_blocks
        info["shape_keys"] = [k.name for k in keys[1:]]
        # Each shape key's value as the file sets it (a posed head's initial weights: glTF's mesh weights, FBX's DeformPercent).
        info["shape_key_values"] = {k.name: k.value for k in keys[1:]}
        if "jawOpen" in keys:
            basis, jaw = keys[0], keys["jawOpen"]
            best, best_vec, best_pos = -1.0, None, None
            m3 = ob.matrix_world.to_3x3()
            for b, j in zip(basis.data, jaw.data):
                d = m3 @ (j.co - b.co)
                if d.length > best:
                    best, best_vec, best_pos = d.length, list(d), list(ob.matrix_world @ b.co)
            info["jaw_open_max"] = {"length": best, "delta": best_vec, "at": best_pos}
    out["meshes"].append(info)
print("INSPECT " + json.dumps(out))
