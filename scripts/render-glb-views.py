"""Front, side (the jaw and neck from 3/4 below), profile, below and back renders of an exported head (GLB), flat-lit with its base-colour texture,
so texture seams and bake artefacts show as they are (Blender's Workbench engine, no GPU needed):

    blender -b -P scripts/render-glb-views.py -- head.glb out/head   # writes out/head-front.png, -side.png, -profile.png, -below.png, -back.png

The side and below views frame the jaw and neck (where the baked texture meets the surface fill).
Debian's Blender 3.4 with a newer NumPy needs numpy.bool restored for its glTF importer (done here).
"""
import sys, math
import numpy
numpy.bool = numpy.bool_
import bpy, mathutils
argv = sys.argv[sys.argv.index('--') + 1:]
src, prefix = argv[0], argv[1]
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_scene.gltf(filepath=src)
meshes = [o for o in bpy.context.scene.objects if o.type == 'MESH']
pts = [o.matrix_world @ mathutils.Vector(c) for o in meshes for c in o.bound_box]
lo = mathutils.Vector((min(p.x for p in pts), min(p.y for p in pts), min(p.z for p in pts)))
hi = mathutils.Vector((max(p.x for p in pts), max(p.y for p in pts), max(p.z for p in pts)))
ctr = (lo + hi) / 2
size = max(hi - lo)
scene = bpy.context.scene
scene.render.engine = 'BLENDER_WORKBENCH'
scene.display.shading.light = 'FLAT'
scene.display.shading.color_type = 'TEXTURE'
scene.render.resolution_x = scene.render.resolution_y = 700
scene.world = bpy.data.worlds.new('w')
cam_data = bpy.data.cameras.new('cam')
cam_data.type = 'ORTHO'
cam = bpy.data.objects.new('cam', cam_data)
scene.collection.objects.link(cam)
scene.camera = cam
# glTF is Y-up: Blender converts to Z-up; the face looks along -Y in Blender (glTF +Z → Blender -Y).
views = {
  'front': (mathutils.Vector((0, -1, 0)), 0.75),
  'side': (mathutils.Vector((1, -0.35, -0.2)).normalized(), 0.5),
  'profile': (mathutils.Vector((1, 0, 0)), 0.75),
  'below': (mathutils.Vector((0.3, -0.8, -1)).normalized(), 0.45),
  'back': (mathutils.Vector((0.4, 1, 0)).normalized(), 0.75),
}
for name, (d, zoom) in views.items():
  target = ctr + mathutils.Vector((0, -0.05 * size, -0.15 * size)) if name in ('side', 'below') else ctr
  cam.location = target + d * size * 3
  cam.rotation_euler = (target - cam.location).to_track_quat('-Z', 'Y').to_euler()
  cam_data.ortho_scale = size * zoom
  scene.render.filepath = f'{prefix}-{name}.png'
  bpy.ops.render.render(write_still=True)
